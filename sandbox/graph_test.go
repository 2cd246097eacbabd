package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// graphDo sends one request to the stand-in and decodes the JSON answer.
func graphDo(t *testing.T, h http.Handler, method, path, token string, form url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, rec.Header(), out
}

func graphErrorCode(t *testing.T, body map[string]any) string {
	t.Helper()
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("not Graph's error body: %v", body)
	}
	if _, ok := e["innerError"].(map[string]any); !ok {
		t.Errorf("no innerError in %v", e)
	}
	code, _ := e["code"].(string)
	return code
}

func TestGraphStandInErrorsInGraphsShape(t *testing.T) {
	s := New()
	tok := s.IssueGraphToken(nil, true)
	if code, _, body := graphDo(t, s, http.MethodGet, GraphPrefix+"/servicePrincipals", "", nil); code != http.StatusUnauthorized || graphErrorCode(t, body) != "InvalidAuthenticationToken" {
		t.Errorf("no token: %d %v", code, body)
	}
	if code, _, body := graphDo(t, s, http.MethodGet, GraphPrefix+"/nothingHere", tok, nil); code != http.StatusBadRequest || graphErrorCode(t, body) != "BadRequest" {
		t.Errorf("unknown segment: %d %v", code, body)
	}
	if code, _, body := graphDo(t, s, http.MethodGet, GraphPrefix+"/servicePrincipals?$filter="+url.QueryEscape("appId eq 'x'"), tok, nil); code != http.StatusBadRequest || graphErrorCode(t, body) != "Request_UnsupportedQuery" {
		t.Errorf("unsupported filter: %d %v", code, body)
	}
	s.AddFault(Fault{Path: GraphPrefix + "/groups", Status: http.StatusServiceUnavailable, Times: 1})
	if code, _, body := graphDo(t, s, http.MethodGet, GraphPrefix+"/groups", tok, nil); code != http.StatusServiceUnavailable || graphErrorCode(t, body) != "ServiceUnavailable" {
		t.Errorf("injected fault: %d %v", code, body)
	}
	s.AddFault(Fault{Path: GraphPrefix + "/groups", Status: http.StatusTooManyRequests, Times: 1})
	if code, h, body := graphDo(t, s, http.MethodGet, GraphPrefix+"/groups", tok, nil); code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || graphErrorCode(t, body) != "TooManyRequests" {
		t.Errorf("injected 429: %d %v %v", code, h, body)
	}
}

func TestGraphStandInDeviceCodeFlow(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := New(WithClock(func() time.Time { return now }))
	login := LoginPrefix + "/organizations/oauth2/v2.0"
	code, _, dc := graphDo(t, s, http.MethodPost, login+"/devicecode", "", url.Values{"client_id": {"app"}, "scope": {"https://graph.microsoft.com/Group.Read.All offline_access"}})
	if code != http.StatusOK || dc["device_code"] == "" || dc["user_code"] == "" || dc["interval"] != 1.0 || dc["expires_in"] != 900.0 {
		t.Fatalf("devicecode: %d %v", code, dc)
	}
	poll := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "client_id": {"app"}, "device_code": {dc["device_code"].(string)}}
	if code, _, body := graphDo(t, s, http.MethodPost, login+"/token", "", poll); code != http.StatusBadRequest || body["error"] != "authorization_pending" {
		t.Fatalf("first poll: %d %v", code, body)
	}
	code, _, tok := graphDo(t, s, http.MethodPost, login+"/token", "", poll)
	if code != http.StatusOK || tok["token_type"] != "Bearer" || tok["scope"] != "Group.Read.All" {
		t.Fatalf("second poll: %d %v", code, tok)
	}
	if code, _, _ := graphDo(t, s, http.MethodGet, GraphPrefix+"/groups", tok["access_token"].(string), nil); code != http.StatusOK {
		t.Errorf("the token does not read groups: %d", code)
	}
	if code, _, body := graphDo(t, s, http.MethodGet, GraphPrefix+"/servicePrincipals", tok["access_token"].(string), nil); code != http.StatusForbidden || graphErrorCode(t, body) != "Authorization_RequestDenied" {
		t.Errorf("a scope not granted: %d %v", code, body)
	}
	if code, _, body := graphDo(t, s, http.MethodPost, login+"/token", "", poll); code != http.StatusBadRequest || body["error"] != "bad_verification_code" {
		t.Errorf("a used code: %d %v", code, body)
	}
	_, _, dc = graphDo(t, s, http.MethodPost, login+"/devicecode", "", url.Values{"client_id": {"app"}, "scope": {"Group.Read.All"}})
	now = now.Add(16 * time.Minute)
	poll.Set("device_code", dc["device_code"].(string))
	if code, _, body := graphDo(t, s, http.MethodPost, login+"/token", "", poll); code != http.StatusBadRequest || body["error"] != "expired_token" {
		t.Errorf("an expired code: %d %v", code, body)
	}
}
