package sandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// benchServer serves a sandbox with a budget large enough for a benchmark.
func benchServer(b *testing.B) (string, string) {
	b.Helper()
	sb := sandbox.New(sandbox.WithRateLimit(1 << 30))
	srv := httptest.NewServer(sb)
	b.Cleanup(srv.Close)
	return srv.URL + sandbox.SCIMPath, sb.Credentials().SCIMToken
}

func benchDo(b *testing.B, method, target, token string, body []byte, want int) {
	req, _ := http.NewRequest(method, target, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	res, err := testwait.HTTP.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Fatalf("%s %s: %d", method, target, res.StatusCode)
	}
}

// BenchmarkSCIMCreateUser reports POST /Users throughput over loopback HTTP.
func BenchmarkSCIMCreateUser(b *testing.B) {
	base, tok := benchServer(b)
	i := 0
	for b.Loop() {
		body, _ := json.Marshal(map[string]any{"schemas": []string{userSchema}, "userName": fmt.Sprintf("bench%d@moby.example", i)})
		benchDo(b, "POST", base+"/Users", tok, body, 201)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkSCIMCreateUserWithState reports POST /Users throughput from 50
// concurrent clients with --state on: every answer waits for the change to
// be on disk, and concurrent changes share one snapshot.
func BenchmarkSCIMCreateUserWithState(b *testing.B) {
	sb := sandbox.New(sandbox.WithRateLimit(1<<30), sandbox.WithState(filepath.Join(b.TempDir(), "state.json")))
	srv := httptest.NewServer(sb)
	b.Cleanup(srv.Close)
	base, tok := srv.URL+sandbox.SCIMPath, sb.Credentials().SCIMToken
	var n atomic.Int64
	b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, _ := json.Marshal(map[string]any{"schemas": []string{userSchema}, "userName": fmt.Sprintf("state%d@moby.example", n.Add(1))})
			benchDo(b, "POST", base+"/Users", tok, body, 201)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkSCIMListUsers reports GET /Users throughput with 1000 users:
// a full page of 100, and the userName filter IdPs send before a create.
func BenchmarkSCIMListUsers(b *testing.B) {
	base, tok := benchServer(b)
	for i := range 1000 {
		body, _ := json.Marshal(map[string]any{"schemas": []string{userSchema}, "userName": fmt.Sprintf("bench%d@moby.example", i)})
		benchDo(b, "POST", base+"/Users", tok, body, 201)
	}
	for _, bc := range []struct{ name, query string }{
		{"page100", "count=100&startIndex=401"},
		{"filterUserName", url.Values{"filter": {`userName eq "bench777@moby.example"`}}.Encode()},
		{"filterScan", url.Values{"filter": {`name.givenName pr or userName sw "bench77"`}, "count": {"10"}}.Encode()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				benchDo(b, "GET", base+"/Users?"+bc.query, tok, nil, 200)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lists/s")
		})
	}
}
