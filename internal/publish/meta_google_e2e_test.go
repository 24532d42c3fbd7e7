package publish_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/httpapi"
)

func TestInstagramConnectAndPublish(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"instagram_login", "facebook_login"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			if mode == "facebook_login" {
				env["INSTAGRAM_ENABLE_FB_LOGIN"] = "1"
			}
			s := apptest.MustServer(t, apptest.ServerOptions{Env: env})
			c := s.MustSignup(t)
			accts := c.MustConnect("instagram", "")
			if len(accts) != 1 || accts[0].PlatformAccountID != "17841400000000001" {
				t.Fatalf("connected = %+v", accts)
			}
			ig := accts[0].ID
			media := jpegServer(t)

			// The guide's rule, before anything is stored.
			resp, body := c.Do("POST", "/api/social/posts", map[string]any{"account_ids": []int64{ig}, "caption": "text only"})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "Instagram publish requires an image") {
				t.Fatalf("text-only Instagram post: %d %s", resp.StatusCode, body)
			}

			var p httpapi.PostJSON
			c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{ig}, "caption": "Two cups",
				"image_urls": []string{media.URL + "/1.jpg", media.URL + "/2.jpg"}}, http.StatusCreated, &p)
			p = waitTarget(t, c, p.ID, "the carousel to publish", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
			if !strings.HasPrefix(p.Targets[0].Permalink, "https://www.instagram.com/") || countPosts(s, "instagram", "Two cups") != 1 {
				t.Fatalf("published %+v; %d posts", p.Targets[0], countPosts(s, "instagram", "Two cups"))
			}
		})
	}
}

func TestInstagramPersonalAccountIsRefusedAtConnect(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{NoWorker: true})
	c := s.MustSignup(t)
	status, body := c.Connect("instagram", "personal")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "not_professional") || !strings.Contains(string(body), "Business or Creator") {
		t.Fatalf("personal account connect: %d %s", status, body)
	}
	var list struct{ Accounts []httpapi.AccountJSON }
	c.MustJSON("GET", "/api/social/accounts", nil, http.StatusOK, &list)
	if len(list.Accounts) != 0 {
		t.Fatalf("a refused connect stored %d accounts", len(list.Accounts))
	}
}

func TestYouTubeConnectAndPublishVideo(t *testing.T) {
	t.Parallel()
	s := apptest.MustServer(t, apptest.ServerOptions{})
	c := s.MustSignup(t)
	if status, body := c.Connect("youtube", "nochannel"); status != http.StatusBadRequest || !strings.Contains(string(body), "no YouTube channel") {
		t.Fatalf("channel-less connect: %d %s", status, body)
	}
	accts := c.MustConnect("youtube", "")
	if len(accts) != 1 || accts[0].PlatformAccountID != "UCacmeCoffee0000000000001" || accts[0].AccountName != "Acme Coffee TV" {
		t.Fatalf("connected = %+v", accts)
	}
	video := make([]byte, 3<<20)
	for i := range video {
		video[i] = byte(i)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "clip.mp4", fixedTime, strings.NewReader(string(video)))
	}))
	t.Cleanup(srv.Close)

	resp, body := c.Do("POST", "/api/social/posts", map[string]any{"account_ids": []int64{accts[0].ID}, "caption": "no video"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "YouTube publish requires video_url") {
		t.Fatalf("YouTube without video: %d %s", resp.StatusCode, body)
	}
	var p httpapi.PostJSON
	c.MustJSON("POST", "/api/social/posts", map[string]any{"account_ids": []int64{accts[0].ID},
		"caption": "Latte art <live>\nHow we pour it.", "video_url": srv.URL + "/clip.mp4"}, http.StatusCreated, &p)
	p = waitTarget(t, c, p.ID, "the video to publish", func(tg httpapi.TargetJSON) bool { return tg.Status == "published" })
	if !strings.HasPrefix(p.Targets[0].Permalink, "https://www.youtube.com/watch?v=") {
		t.Fatalf("published %+v", p.Targets[0])
	}
	v := simPost(s, "youtube", "Latte art live\nHow we pour it.")
	if v == nil || len(v.Media) != 1 || !strings.Contains(v.Media[0], "bytes:3145728") {
		t.Fatalf("youtube has %+v (posts: %+v)", v, s.Sim.Posts("youtube"))
	}
}
