package platform_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/salesai/social/internal/platform"
)

// echo answers with the path and query it received, and the Host header.
func echo(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" body="+string(b)+" ua="+r.UserAgent())
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRewriteSendsPlatformCallsToTheEndpoint(t *testing.T) {
	t.Parallel()
	srv := echo(t)
	rw, err := platform.NewRewriter(srv.URL + "/prefix/")
	if err != nil {
		t.Fatal(err)
	}
	hc := platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw})
	resp, err := hc.Post("https://graph.facebook.com/v25.0/123/feed?access_token=a%2Bb", "application/x-www-form-urlencoded", strings.NewReader("message=hi"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "POST /prefix/graph.facebook.com/v25.0/123/feed?access_token=a%2Bb body=message=hi ua=SalesAI-Social/1"
	if string(b) != want {
		t.Fatalf("got %q\nwant %q", b, want)
	}
	if got := rw.String("https://x.com/i/oauth2/authorize?state=s"); got != srv.URL+"/prefix/x.com/i/oauth2/authorize?state=s" {
		t.Fatalf("consent redirect rewritten to %q", got)
	}
}

func TestRewriteLeavesOtherHostsAlone(t *testing.T) {
	t.Parallel()
	rw, err := platform.NewRewriter("http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		"https://images.example.com/a.jpg",
		"https://drive.google.com/file/d/abc/view", // user media, even on a Google host
		"https://graph.facebook.com.evil.example/x",
	} {
		if got := rw.String(u); got != u {
			t.Errorf("%s rewritten to %s", u, got)
		}
	}
	// Without an endpoint nothing is rewritten.
	none, _ := platform.NewRewriter("")
	if none.Active() || none.String("https://api.x.com/2/tweets") != "https://api.x.com/2/tweets" {
		t.Fatal("an empty endpoint rewrote a platform URL")
	}
	srv := echo(t)
	hc := platform.NewHTTPClient(platform.ClientConfig{Rewriter: rw})
	resp, err := hc.Get(srv.URL + "/media.jpg") // a non-platform host goes where it says
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(b), "GET /media.jpg") {
		t.Fatalf("media request arrived as %q", b)
	}
	if _, err := platform.NewRewriter("ftp://x"); err == nil {
		t.Fatal("a non-http endpoint was accepted")
	}
}
