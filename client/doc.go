// Package client talks to Docker: the Hub API (sign-in, organizations), the
// SCIM 2.0 API that identity providers use, and the console steps (SSO
// connections, Setup SCIM) that only the sandbox offers as an API.
//
// Errors are *Error values that say what happened and what to do next. No
// secret (token, password, Authorization header) is ever part of an error.
package client
