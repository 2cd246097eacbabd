package client_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// TestSignInOnFirstUse: nothing is sent until the first request, which
// signs in first; a refused sign-in is that request's error, and the
// secret is not in it.
func TestSignInOnFirstUse(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	defer srv.Close()
	ctx := context.Background()
	creds := sb.Credentials()

	hub, _ := client.NewHub(srv.URL)
	hub.SignInOnFirstUse(creds.Org, client.NewSecret(creds.OAT))
	if n := sb.RequestCount(); n != 0 {
		t.Fatalf("%d requests before the first use", n)
	}
	if _, err := hub.Teams(ctx, creds.Org); err != nil {
		t.Fatal(err)
	}
	if n := sb.RequestCount(); n != 2 {
		t.Fatalf("%d requests for the first use, want 2 (sign-in, then the list)", n)
	}

	bad, _ := client.NewHub(srv.URL)
	bad.SignInOnFirstUse(creds.Org, client.NewSecret("dckr_oat_not-the-right-one"))
	_, err := bad.Teams(ctx, creds.Org)
	if err == nil || !strings.Contains(err.Error(), "sign in to Docker") || strings.Contains(err.Error(), "not-the-right-one") {
		t.Fatalf("refused sign-in reported as %v", err)
	}
}
