package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The names of the probe's checks, in the order ProbeResult lists them.
const (
	CheckServiceProviderConfig = "ServiceProviderConfig"
	CheckUserFilter            = "Users filter (no match)"
	CheckUserCount             = "Users count"
	CheckSchemas               = "Schemas"
)

// CheckResult is the verdict of one probe request.
type CheckResult struct {
	// Name is one of the Check* names.
	Name string
	// OK is true when the answer is what an identity provider needs.
	OK bool
	// Latency is how long the request took, retries included.
	Latency time.Duration
	// Detail says what was seen, e.g. "3 users".
	Detail string
	// Diagnosis says, on failure, what is most likely wrong.
	Diagnosis string
	// Fix says, on failure, what to do about it.
	Fix string
	// Err is the client error behind a failure.
	Err error
}

// ProbeResult is the outcome of Probe.
type ProbeResult struct {
	// Checks holds one result per check, in a fixed order.
	Checks []CheckResult
	// DockerExtension is true when /Schemas offers Docker's user extension
	// (dockerRole, dockerOrg, dockerTeam).
	DockerExtension bool
	// TotalUsers is totalResults of GET /Users?count=1.
	TotalUsers int
	// Elapsed is the wall time of the whole probe.
	Elapsed time.Duration
}

// ExtensionNote says, neutrally, what /Schemas showed about Docker's user
// extension. Its absence is not a fault: Docker's published /Schemas example
// lists only the core User schema, and role mapping sends dockerRole,
// dockerOrg and dockerTeam under the extension URN either way.
func (p ProbeResult) ExtensionNote() string { return extensionNote(p.DockerExtension) }

// extensionNote is ExtensionNote for a result still being filled in (the
// checks run concurrently, so the whole result cannot be read yet).
func extensionNote(offered bool) string {
	if offered {
		return "/Schemas lists Docker's user extension (dockerRole, dockerOrg, dockerTeam)"
	}
	return "/Schemas lists no Docker user extension, like Docker's published example (core User schema only); " +
		"dockerRole, dockerOrg and dockerTeam are still sent under " + DockerUserExtension
}

// OK reports whether every check passed.
func (p ProbeResult) OK() bool {
	if len(p.Checks) == 0 {
		return false
	}
	for _, c := range p.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Probe tests the SCIM Base URL and API Token the way Okta's "Test API
// Credentials" and Entra's "Test Connection" do, with four read-only
// requests sent at once: GET /ServiceProviderConfig; GET /Users filtered on
// a random userName that cannot exist (200 and an empty list expected, not
// 404); GET /Users?count=1 for totalResults; and GET /Schemas for Docker's
// user extension.
func (s *SCIM) Probe(ctx context.Context) ProbeResult {
	start := time.Now()
	res := ProbeResult{Checks: make([]CheckResult, 4)}
	var wg sync.WaitGroup
	timed := func(i int, name string, f func() (string, error)) {
		wg.Go(func() {
			t0 := time.Now()
			detail, err := f()
			c := CheckResult{Name: name, OK: err == nil, Latency: time.Since(t0), Detail: detail, Err: err}
			if err != nil {
				c.Diagnosis, c.Fix = diagnose(err, s.base)
			}
			res.Checks[i] = c
		})
	}
	timed(0, CheckServiceProviderConfig, func() (string, error) {
		spc, err := s.ServiceProviderConfig(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("filter supported: %t (max %d), patch supported: %t", spc.Filter.Supported, spc.Filter.MaxResults, spc.Patch.Supported), nil
	})
	timed(1, CheckUserFilter, func() (string, error) {
		name := "docker-scim-probe-" + randomHex(8) + "@example.invalid"
		q := url.Values{"filter": {`userName eq "` + name + `"`}, "startIndex": {"1"}, "count": {"1"}}
		p, err := scimPage[User](ctx, s, "search SCIM users by userName", "/Users", q)
		if err != nil {
			return "", err
		}
		if len(p.Resources) > 0 || p.TotalResults > 0 {
			return "", &Error{Op: "search SCIM users by userName", Kind: KindDecode,
				Err:  fmt.Errorf("a filter on a userName that cannot exist returned %d users", max(len(p.Resources), p.TotalResults)),
				Hint: "The server ignores SCIM filters, so identity providers would match the wrong users: check the SCIM Base URL points at Docker"}
		}
		return "no match, as expected", nil
	})
	timed(2, CheckUserCount, func() (string, error) {
		p, err := scimPage[User](ctx, s, "count SCIM users", "/Users", url.Values{"startIndex": {"1"}, "count": {"1"}})
		if err != nil {
			return "", err
		}
		res.TotalUsers = p.TotalResults
		if p.TotalResults == 1 {
			return "1 user provisioned", nil
		}
		return strconv.Itoa(p.TotalResults) + " users provisioned", nil
	})
	timed(3, CheckSchemas, func() (string, error) {
		ids, err := s.schemaIDs(ctx)
		if err != nil {
			return "", err
		}
		res.DockerExtension = slices.Contains(ids, DockerUserExtension)
		noun := "schemas"
		if len(ids) == 1 {
			noun = "schema"
		}
		return fmt.Sprintf("%d %s; %s", len(ids), noun, extensionNote(res.DockerExtension)), nil
	})
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// diagnose explains a failed probe request: what is most likely wrong and
// how to fix it.
func diagnose(err error, base string) (diagnosis, fix string) {
	var dnsErr *net.DNSError
	var ce *Error
	errors.As(err, &ce)
	host := base
	if u, perr := url.Parse(base); perr == nil {
		host = u.Host
	}
	switch {
	case errors.As(err, &dnsErr):
		return "The host name " + hostOnly(host) + " does not resolve (DNS)",
			"Check the SCIM Base URL for a typo in the host; on Docker it is hub.docker.com"
	case tlsFailure(err):
		return "The TLS certificate of " + host + " is not trusted",
			"A proxy may be intercepting HTTPS, or the host is wrong: check the SCIM Base URL, or add your company's CA to the system trust store"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Nothing answers at " + host + " (connection refused)",
			"Check the host and port of the SCIM Base URL"
	case ce == nil:
		return "The request failed: " + err.Error(), "Check the network and retry"
	}
	switch ce.Kind {
	case KindUnauthorized:
		return "Docker refused the API Token (401): it is mistyped, or no longer valid for this connection",
			"Copy the API Token again from " + SCIMValuesPath
	case KindForbidden, KindPATNotAllowed:
		return "The API Token is valid but may not read users",
			"Check that SCIM is still enabled on the connection in " + SSOAndSCIMPage
	case KindNotFound:
		if !strings.HasSuffix(base, SCIMPath) {
			return "The SCIM Base URL has the wrong path (it does not end in " + SCIMPath + ")",
				"Copy the SCIM Base URL again from " + SCIMValuesPath + "; enter it in the identity provider exactly as the wizard shows it, with no trailing slash (…/2.0//Users is a 404 too)"
		}
		return "The server answered 404 for a SCIM endpoint",
			"Identity providers need 200 with an empty list here: check the SCIM Base URL points at Docker"
	case KindTimeout:
		return "The server did not answer in time", "Check the network (a proxy or firewall may hold the request) and retry"
	case KindRateLimited:
		return "Docker's rate limit was reached", ce.Hint
	case KindServer:
		return "Docker had a server error", "Retry in a moment; check https://www.dockerstatus.com if it persists"
	case KindDecode, KindTooLarge:
		return "The answer is not a SCIM response", ce.Hint
	case KindNetwork:
		return "The network failed: " + errString(ce.Err), "Check the network connection and the SCIM Base URL"
	case KindCanceled:
		return "The probe was canceled", "Run the test again"
	}
	return "The request failed: " + ce.Error(), "Check the SCIM Base URL and API Token"
}

func errString(err error) string {
	if err == nil {
		return "no answer"
	}
	return err.Error()
}
