package sim

// LinkedIn's versioned Posts API, POST /rest/posts (platforms.md §4.5): text
// and article posts. The Images API is not simulated, so content.media is
// refused as an unknown image.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

func init() {
	register(func(s *Sim) { s.handle("POST /api.linkedin.com/rest/posts", s.liCreatePost) })
}

// restPost is the Posts API create body.
type restPost struct {
	Author         string `json:"author"`
	Commentary     string `json:"commentary"`
	Visibility     string `json:"visibility"`
	LifecycleState string `json:"lifecycleState"`
	Distribution   *struct {
		FeedDistribution string `json:"feedDistribution"`
	} `json:"distribution"`
	Content *struct {
		Article *struct {
			Source string `json:"source"`
			Title  string `json:"title"`
		} `json:"article"`
		Media *struct {
			ID string `json:"id"`
		} `json:"media"`
	} `json:"content"`
}

// liVersion checks LinkedIn-Version: missing → 400 VERSION_MISSING; not a
// month of the last year → 426 NONEXISTENT_VERSION (versions are supported
// at least one year, platforms.md §4.5).
func (s *Sim) liVersion(w http.ResponseWriter, r *http.Request) bool {
	v := r.Header.Get("LinkedIn-Version")
	if v == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": 400, "code": "VERSION_MISSING",
			"message": "A version must be present. Please specify a version by adding the Linkedin-Version header."})
		return false
	}
	now := s.opts.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	t, err := time.Parse("200601", v)
	if err != nil || t.After(month) || t.Before(month.AddDate(-1, 0, 0)) {
		writeJSON(w, http.StatusUpgradeRequired, map[string]any{"status": 426, "code": "NONEXISTENT_VERSION",
			"message": fmt.Sprintf("Requested version %s is not active", v)})
		return false
	}
	return true
}

// liCreatePost serves POST /rest/posts → 201 with x-restli-id and no body.
func (s *Sim) liCreatePost(w http.ResponseWriter, r *http.Request) {
	if !s.liVersion(w, r) || !liRestli(w, r) {
		return
	}
	tok, m, ok := s.liAuth(w, r)
	if !ok {
		return
	}
	var p restPost
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&p); err != nil {
		liError(w, http.StatusBadRequest, "Unable to parse the request body: "+err.Error(), 0)
		return
	}
	if !liMayAuthor(tok, m, p.Author) {
		liError(w, http.StatusForbidden, "Not enough permissions to access: posts.CREATE", 100)
		return
	}
	sc, ok := restPostContent(w, &p)
	if !ok {
		return
	}
	sh := &liShare{Author: p.Author, Actor: "urn:li:person:" + m.Sub, Text: p.Commentary, Content: sc, Visibility: p.Visibility}
	for _, md := range sc.Media {
		sh.Media = append(sh.Media, md.OriginalURL)
	}
	if !s.liRecord(w, sh) {
		return
	}
	w.Header().Set("X-RestLi-Id", sh.URN)
	w.WriteHeader(http.StatusCreated)
}

// restPostContent validates a Posts API body and returns it in UGC form, so
// the ugcPosts finder can list it too.
func restPostContent(w http.ResponseWriter, p *restPost) (*ugcShareContent, bool) {
	sc := &ugcShareContent{ShareCommentary: liText{Text: p.Commentary}, ShareMediaCategory: "NONE"}
	switch p.Visibility {
	case "PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER":
	default:
		ugcInvalid(w, "/visibility", fmt.Sprintf("%q is not an enum symbol", p.Visibility))
		return nil, false
	}
	switch {
	case p.LifecycleState != "PUBLISHED":
		ugcInvalid(w, "/lifecycleState", fmt.Sprintf("%q: only PUBLISHED is simulated", p.LifecycleState))
	case p.Distribution == nil || p.Distribution.FeedDistribution == "":
		ugcInvalid(w, "/distribution", "field distribution.feedDistribution is required but was not found")
	case utf8.RuneCountInString(p.Commentary) > liCommentaryMax:
		ugcInvalid(w, "/commentary", fmt.Sprintf("length of %d exceeds maximum allowed length of %d",
			utf8.RuneCountInString(p.Commentary), liCommentaryMax))
	case p.Content != nil && p.Content.Media != nil:
		ugcInvalid(w, "/content/media/id", fmt.Sprintf("image %q does not exist", p.Content.Media.ID))
	case p.Content != nil && p.Content.Article != nil:
		u, err := url.Parse(p.Content.Article.Source)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ugcInvalid(w, "/content/article/source", "must be an absolute http(s) URL")
			return nil, false
		}
		sc.ShareMediaCategory = "ARTICLE"
		sc.Media = []ugcMedia{{Status: "READY", OriginalURL: p.Content.Article.Source, Title: &liText{Text: p.Content.Article.Title}}}
		return sc, true
	case strings.TrimSpace(p.Commentary) == "":
		ugcInvalid(w, "/commentary", "a post without content needs commentary")
	default:
		return sc, true
	}
	return nil, false
}
