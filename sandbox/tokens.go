package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Token prefixes Docker uses for personal and organization access tokens.
const (
	PATPrefix = "dckr_pat_"
	OATPrefix = "dckr_oat_"
)

// jwtLifetime is how long a JWT from POST /v2/auth/token lives, as on Docker.
const jwtLifetime = 10 * time.Minute

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters drawn uniformly from [A-Za-z0-9].
func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// hashSecret is how the sandbox stores every secret: only its SHA-256.
func hashSecret(s string) secretHash { return sha256.Sum256([]byte(s)) }

// tokenKind says which credential a JWT was minted from.
type tokenKind string

const (
	kindPassword tokenKind = "password"
	kindPAT      tokenKind = "pat"
	kindOAT      tokenKind = "oat"
)

// claims is the payload of the sandbox's JWTs.
type claims struct {
	Subject   string    `json:"sub"`
	Username  string    `json:"username,omitempty"`
	Org       string    `json:"org,omitempty"`
	Kind      tokenKind `json:"token_type"`
	IssuedAt  int64     `json:"iat"`
	ExpiresAt int64     `json:"exp"`
	Issuer    string    `json:"iss"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// signJWT returns an HS256 JWT for c signed with key.
func signJWT(key []byte, c claims) string {
	payload, _ := json.Marshal(c)
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

var errBadJWT = errors.New("invalid or expired token")

// verifyJWT checks the signature and expiry of tok and returns its claims.
func verifyJWT(key []byte, tok string, now time.Time) (claims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != jwtHeader {
		return claims{}, errBadJWT
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return claims{}, errBadJWT
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return claims{}, errBadJWT
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil || now.Unix() >= c.ExpiresAt {
		return claims{}, errBadJWT
	}
	return c, nil
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(header string) (string, bool) {
	const p = "Bearer "
	if len(header) <= len(p) || !strings.EqualFold(header[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(header[len(p):]), true
}
