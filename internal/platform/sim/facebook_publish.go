package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Facebook Page publishing: /{page}/feed, /{page}/photos, /{page}/scheduled_posts
// (platforms.md §1.6–§1.9).

// fbFeedCreate is POST /{page-id}/feed: text, link, scheduled and multi-photo
// posts.
func (s *Sim) fbFeedCreate(w http.ResponseWriter, r *http.Request) {
	pageID := r.PathValue("id")
	args, media, err := fbArgs(w, r)
	if err != nil {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) "+err.Error())
		return
	}
	a, ok := s.fbAuthenticate(w, r, args)
	if !ok || !fbRequirePage(w, a, pageID, "post", false) {
		return
	}
	msg, link := args.Get("message"), args.Get("link")
	if msg == "" && link == "" { // "Either link or message must be supplied."
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) Missing message or attachment")
		return
	}
	published, at, bad := s.fbPublishArgs(args)
	if bad != "" {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", bad)
		return
	}
	if s.fbDuplicate(pageID, msg) {
		graphError(w, http.StatusBadRequest, 506, 0, "OAuthException", "(#506) Duplicate status message")
		return
	}
	if i, ok := s.fbAttach(pageID, media); !ok {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException",
			fmt.Sprintf("(#100) attached_media[%d]: media_fbid must be an unpublished photo of this Page", i))
		return
	}
	id := pageID + "_" + s.fbNextID()
	s.addPost(Post{Platform: "facebook", AccountID: pageID, ID: id, Text: msg, Media: media,
		Published: published, ScheduledAt: at})
	if link != "" {
		s.fb.mu.Lock()
		s.fb.links[id] = link
		s.fb.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}

// fbPhotoCreate is POST /{page-id}/photos: published → {"id","post_id"},
// published=false → {"id"} (an unpublished photo for attached_media, or a
// scheduled photo post).
func (s *Sim) fbPhotoCreate(w http.ResponseWriter, r *http.Request) {
	pageID := r.PathValue("id")
	args, _, err := fbArgs(w, r)
	if err != nil {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) "+err.Error())
		return
	}
	a, ok := s.fbAuthenticate(w, r, args)
	if !ok || !fbRequirePage(w, a, pageID, "post", false) {
		return
	}
	if code, msg := s.fbCheckPhoto(r, args.Get("url")); code != 0 {
		graphError(w, http.StatusBadRequest, code, 0, "OAuthException", msg)
		return
	}
	published, at, bad := s.fbPublishArgs(args)
	if bad != "" {
		graphError(w, http.StatusBadRequest, 100, 0, "OAuthException", bad)
		return
	}
	caption := args.Get("caption")
	if caption == "" {
		caption = args.Get("message")
	}
	photoID := s.fbNextID()
	ph := &fbPhoto{PageID: pageID, URL: args.Get("url"), Caption: caption, Created: s.opts.Now()}
	if published || at != nil {
		ph.PostID = pageID + "_" + s.fbNextID()
		s.addPost(Post{Platform: "facebook", AccountID: pageID, ID: ph.PostID, Text: caption,
			Media: []string{photoID}, Published: published, ScheduledAt: at})
	}
	s.fb.mu.Lock()
	s.fb.photos[photoID] = ph
	s.fb.mu.Unlock()
	if !published {
		writeJSON(w, http.StatusOK, map[string]string{"id": photoID})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": photoID, "post_id": ph.PostID})
}

// fbCheckPhoto wants a url (absolute http(s); fetched as Meta does when
// Options.FetchMedia) or a multipart source file that is an image.
func (s *Sim) fbCheckPhoto(r *http.Request, raw string) (int, string) {
	if raw == "" {
		if r.MultipartForm == nil || len(r.MultipartForm.File["source"]) == 0 {
			return 324, "(#324) Requires upload file"
		}
		f, err := r.MultipartForm.File["source"][0].Open()
		if err != nil {
			return 324, "(#324) Missing or invalid image file"
		}
		defer f.Close()
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		if !strings.HasPrefix(http.DetectContentType(head[:n]), "image/") {
			return 324, "(#324) Missing or invalid image file"
		}
		return 0, ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 100, "(#100) url should represent a valid URL"
	}
	if s.opts.FetchMedia {
		if err := s.fetchImage(r.Context(), raw); err != nil {
			return 324, "(#324) Missing or invalid image file"
		}
	}
	return 0, ""
}

// fetchImage GETs a media URL and wants a 2xx image/* answer.
func (s *Sim) fetchImage(ctx context.Context, raw string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return fmt.Errorf("fetch image: %w", err)
	}
	resp, err := s.opts.MediaClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetch image: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 10<<20))
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode/100 != 2 || !strings.HasPrefix(ct, "image/") {
		return fmt.Errorf("fetch image: status %d, content type %q", resp.StatusCode, ct)
	}
	return nil
}

// fbPublishArgs reads published and scheduled_publish_time; the last result is
// Graph's message when they are refused.
func (s *Sim) fbPublishArgs(args url.Values) (bool, *time.Time, string) {
	pub, err := parseOptBool(args.Get("published"))
	if err != nil {
		return false, nil, "(#100) param published must be a boolean"
	}
	published := pub == nil || *pub
	v := args.Get("scheduled_publish_time")
	if v == "" {
		return published, nil, ""
	}
	if published {
		return false, nil, "(#100) You cannot specify a scheduled publish time on a published post"
	}
	t, ok := s.fbScheduleTime(v)
	if !ok {
		return false, nil, "(#100) The specified scheduled publish time is invalid."
	}
	return false, &t, ""
}

// fbScheduleTime parses a UNIX or ISO 8601 time and applies §1.7: between 10
// minutes and 75 days from now, both ends included, in whole seconds.
func (s *Sim) fbScheduleTime(v string) (time.Time, bool) {
	var t time.Time
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		t = time.Unix(n, 0)
	} else if t, err = time.Parse(time.RFC3339, v); err != nil {
		if t, err = time.Parse(fbTimeFmt, v); err != nil {
			return time.Time{}, false
		}
	}
	now := s.opts.Now().Unix()
	u := t.Unix()
	return t, u >= now+int64(fbMinAhead/time.Second) && u <= now+int64(fbMaxAhead/time.Second)
}

func parseOptBool(v string) (*bool, error) {
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, fmt.Errorf("parse bool %q: %w", v, err)
	}
	return &b, nil
}

// fbDuplicate: the page's previous post, within 24 h, has the same message.
func (s *Sim) fbDuplicate(pageID, msg string) bool {
	if msg == "" {
		return false
	}
	var last *Post
	posts := s.Posts("facebook")
	for i := range posts {
		if posts[i].AccountID == pageID && !posts[i].Deleted {
			last = &posts[i]
		}
	}
	return last != nil && last.Text == msg && s.opts.Now().Sub(last.CreatedAt) < fbDupWindow
}

// fbAttach marks the photos as used by a feed post; on failure it returns the
// index of the first photo that is not an unused, unpublished photo of the page.
func (s *Sim) fbAttach(pageID string, ids []string) (int, bool) {
	s.fb.mu.Lock()
	defer s.fb.mu.Unlock()
	for i, id := range ids {
		ph := s.fb.photos[id]
		if ph == nil || ph.PageID != pageID || ph.PostID != "" || ph.Attached {
			return i, false
		}
	}
	for _, id := range ids {
		s.fb.photos[id].Attached = true
	}
	return 0, true
}

func (s *Sim) fbNextID() string {
	s.fb.mu.Lock()
	defer s.fb.mu.Unlock()
	s.fb.next++
	return strconv.FormatInt(s.fb.next, 10)
}

// fbFeedList is GET /{page-id}/feed: published posts, newest first, so a
// client can look for a post it may already have made.
func (s *Sim) fbFeedList(w http.ResponseWriter, r *http.Request) {
	s.fbListPosts(w, r, func(p Post) bool { return p.Published })
}

// fbScheduledList is GET /{page-id}/scheduled_posts.
func (s *Sim) fbScheduledList(w http.ResponseWriter, r *http.Request) {
	s.fbListPosts(w, r, func(p Post) bool { return !p.Published && p.ScheduledAt != nil })
}

func (s *Sim) fbListPosts(w http.ResponseWriter, r *http.Request, keep func(Post) bool) {
	pageID, q := r.PathValue("id"), r.URL.Query()
	a, ok := s.fbAuthenticate(w, r, q)
	if !ok || !fbRequirePage(w, a, pageID, "get", true) {
		return
	}
	var posts []Post
	all := s.Posts("facebook")
	for i := len(all) - 1; i >= 0; i-- {
		if p := all[i]; p.AccountID == pageID && !p.Deleted && keep(p) {
			posts = append(posts, p)
		}
	}
	ids := make([]string, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	start, end, paging, ok := graphPaging(w, r, ids)
	if !ok {
		return
	}
	fields := fieldOr(q.Get("fields"), "created_time,message,id")
	data := []map[string]any{}
	for _, p := range posts[start:end] {
		data = append(data, selectFields(s.fbPostObject(p), fields))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "paging": paging})
}

// fbArgs merges the query with a form, multipart or JSON body (Graph takes
// either) and collects attached_media ids in order.
func fbArgs(w http.ResponseWriter, r *http.Request) (url.Values, []string, error) {
	vals := url.Values{}
	for k, v := range r.URL.Query() {
		vals[k] = v
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		if err := mergeJSONArgs(vals, http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
			return nil, nil, err
		}
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			return nil, nil, fmt.Errorf("invalid form body: %w", err)
		}
		for k, v := range r.PostForm {
			vals[k] = v
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, nil, fmt.Errorf("invalid multipart body: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			vals[k] = v
		}
	}
	media, err := attachedMedia(vals)
	return vals, media, err
}

// mergeJSONArgs flattens a JSON object body into string params; arrays and
// objects (attached_media) stay JSON text.
func mergeJSONArgs(vals url.Values, body io.Reader) error {
	var m map[string]any
	dec := json.NewDecoder(body)
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	for k, v := range m {
		switch v := v.(type) {
		case nil:
		case string:
			vals.Set(k, v)
		case json.Number:
			vals.Set(k, v.String())
		case bool:
			vals.Set(k, strconv.FormatBool(v))
		default:
			b, _ := json.Marshal(v)
			vals.Set(k, string(b))
		}
	}
	return nil
}

// attachedMedia reads attached_media as form fields attached_media[N]={"media_fbid":"…"}
// (or attached_media[N][media_fbid]=…) or as one JSON array (§1.9).
func attachedMedia(vals url.Values) ([]string, error) {
	type item struct {
		i  int
		id string
	}
	var items []item
	bad := errors.New("param attached_media must be a list of {\"media_fbid\":\"…\"}")
	for k, vs := range vals {
		if k == "attached_media" {
			var arr []json.RawMessage
			if json.Unmarshal([]byte(vs[0]), &arr) != nil {
				return nil, bad
			}
			for i, raw := range arr {
				id, ok := mediaFBID(raw)
				if !ok {
					return nil, bad
				}
				items = append(items, item{i, id})
			}
			continue
		}
		rest, ok := strings.CutPrefix(k, "attached_media[")
		if !ok {
			continue
		}
		n, sub, _ := strings.Cut(rest, "]")
		i, err := strconv.Atoi(n)
		id, idOK := vs[0], sub == "[media_fbid]"
		if sub == "" {
			id, idOK = mediaFBID(json.RawMessage(vs[0]))
		}
		if err != nil || !idOK || id == "" {
			return nil, bad
		}
		items = append(items, item{i, id})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.id
	}
	return ids, nil
}

// mediaFBID reads {"media_fbid":"…"} (string or number).
func mediaFBID(raw json.RawMessage) (string, bool) {
	var o struct {
		MediaFBID json.Number `json:"media_fbid"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil || o.MediaFBID == "" {
		return "", false
	}
	return o.MediaFBID.String(), true
}

// selectFields keeps id and the requested fields that obj has.
func selectFields(obj map[string]any, fields string) map[string]any {
	out := map[string]any{"id": obj["id"]}
	for _, f := range graphFieldNames(fields) {
		if v, ok := obj[f]; ok {
			out[f] = v
		}
	}
	return out
}

func fieldOr(fields, def string) string {
	if fields == "" {
		return def
	}
	return fields
}

func hasField(fields, name string) bool {
	for _, f := range graphFieldNames(fields) {
		if f == name {
			return true
		}
	}
	return false
}

// graphFieldNames splits Graph's fields parameter at top-level commas and keeps
// each field's name: "instagram_business_account{id,username}" → that name.
func graphFieldNames(s string) []string {
	var out []string
	depth, start := 0, 0
	add := func(f string) {
		if i := strings.IndexAny(f, "{.("); i >= 0 {
			f = f[:i]
		}
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	for i, c := range s {
		switch c {
		case '{', '(':
			depth++
		case '}', ')':
			depth--
		case ',':
			if depth == 0 {
				add(s[start:i])
				start = i + 1
			}
		}
	}
	add(s[start:])
	return out
}
