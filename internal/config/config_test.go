package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad_Defaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.Workers != 20 || c.Postgres() || c.Sandbox {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if got, want := c.RedirectURL("twitter"), "http://localhost:8080/api/social/oauth/twitter/callback"; got != want {
		t.Fatalf("redirect = %q, want %q", got, want)
	}
	if c.SecureCookies() {
		t.Fatal("http public URL must not set Secure cookies")
	}
}

func TestLoad_Values(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"SALESAI_PUBLIC_URL":   "https://salesai.jain.software/",
		"DATABASE_URL":         "postgres://u@h/db",
		"SALESAI_SANDBOX":      "1",
		"TWITTER_CLIENT_ID":    "cid",
		"TWITTER_REDIRECT_URI": "https://x.example/cb",
		"SALESAI_WORKERS":      "5",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies() || !c.Postgres() || !c.Sandbox || c.Workers != 5 || !c.Twitter.Configured() {
		t.Fatalf("unexpected: %+v", c)
	}
	if got := c.RedirectURL("twitter"); got != "https://x.example/cb" {
		t.Fatalf("twitter redirect = %q", got)
	}
	if got := c.RedirectURL("instagram"); got != "https://salesai.jain.software/api/social/oauth/instagram/callback" {
		t.Fatalf("instagram redirect = %q", got)
	}
}

func TestLoad_Errors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"bad public url":   {map[string]string{"SALESAI_PUBLIC_URL": "salesai.example.com"}, "SALESAI_PUBLIC_URL must be an absolute"},
		"bad database url": {map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL must start with postgres://"},
		"bad flag":         {map[string]string{"SALESAI_SANDBOX": "maybe"}, "SALESAI_SANDBOX must be 1 or 0"},
		"bad workers":      {map[string]string{"SALESAI_WORKERS": "0"}, "SALESAI_WORKERS must be a whole number"},
		"bad x redirect":   {map[string]string{"TWITTER_REDIRECT_URI": "/cb"}, "TWITTER_REDIRECT_URI must be an absolute URL"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestPublicURLFollowsThePort(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"SALESAI_ADDR": ":9090"}))
	if err != nil || c.PublicURL.String() != "http://localhost:9090" {
		t.Fatalf("public URL = %v, %v; want http://localhost:9090", c.PublicURL, err)
	}
	c, err = Load(env(map[string]string{"SALESAI_ADDR": ":9090", "SALESAI_PUBLIC_URL": "https://salesai.example.com"}))
	if err != nil || c.PublicURL.String() != "https://salesai.example.com" {
		t.Fatalf("explicit public URL = %v, %v", c.PublicURL, err)
	}
}
