package sim

// Instagram content publishing on both hosts (platforms.md §2.4–§2.7): media
// containers, their status, media_publish, the 24 h publishing limit, and
// reading published media back.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"image/jpeg"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	igContainerTTL  = 24 * time.Hour // "EXPIRED: not published within 24 hours"
	igPublishWindow = 24 * time.Hour
	igDefaultLimit  = 100 // platforms.md §2.5 recommendation
	igCarouselMax   = 10
	igImageMax      = 8 << 20 // platforms.md §2.6
	graphTimeLayout = "2006-01-02T15:04:05-0700"
)

// igContainer is a media container (Graph node ShadowIGMediaBuilder).
type igContainer struct {
	ID, Owner    string
	MediaType    string // IMAGE, VIDEO, REELS, STORIES or CAROUSEL
	ImageURL     string
	VideoURL     string
	Caption      string
	CarouselItem bool
	Children     []string
	Created      time.Time
	Polls        int    // status reads answered IN_PROGRESS
	Failure      string // non-empty: the container ends in ERROR with this status
	MediaID      string // set once published
}

// igMedia is a published IG Media object.
type igMedia struct {
	ID, Owner, Caption, MediaType, ProductType, Shortcode string
	URLs                                                  []string
	Timestamp                                             time.Time
}

// registerIGOnFacebook adds the Facebook Login variant's publishing edges on
// graph.facebook.com; container and media ids are served through the Graph
// object hook facebook.go owns.
func (s *Sim) registerIGOnFacebook() {
	on := func(h func(*igCall)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { s.igServe(w, r, "facebook", r.PathValue("id"), h) }
	}
	s.handle("POST /graph.facebook.com/{version}/{id}/media", on(s.igCreateContainer))
	s.handle("GET /graph.facebook.com/{version}/{id}/media", on(s.igListMedia))
	s.handle("POST /graph.facebook.com/{version}/{id}/media_publish", on(s.igPublish))
	s.handle("GET /graph.facebook.com/{version}/{id}/content_publishing_limit", on(s.igPublishingLimit))
	s.addObjectHandler(func(w http.ResponseWriter, r *http.Request, id string) bool {
		if r.Method != http.MethodGet || !s.igOwnsID(id) {
			return false
		}
		s.igServe(w, r, "facebook", id, s.igObject)
		return true
	})
}

func (s *Sim) igOwnsID(id string) bool {
	if _, ok := igUserByID(id); ok {
		return true
	}
	s.ig.mu.Lock()
	defer s.ig.mu.Unlock()
	_, c := s.ig.containers[id]
	_, m := s.ig.media[id]
	return c || m
}

// igError writes an Instagram error with the user-facing title and message
// Meta adds (platforms.md §2.7).
func igError(w http.ResponseWriter, code, subcode int, msg, title, userMsg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
		"message": msg, "type": "OAuthException", "code": code, "error_subcode": subcode, "is_transient": false,
		"error_user_title": title, "error_user_msg": userMsg, "fbtrace_id": newID("A")[:12],
	}})
}

// igMayPublish checks that the token may publish for the IG user c.id.
// Personal accounts get graph.instagram.com's "Unsupported request - method
// type: post", the message the guide (I.7) tells users about.
func (s *Sim) igMayPublish(c *igCall) bool {
	u, ok := igUserByID(c.id)
	switch {
	case !ok || !actsFor(c.tok, c.id):
		unsupportedObject(c.w, c.r, c.id)
	case u.AccountType == "PERSONAL":
		igUnsupported(c.w, c.r)
	case c.tok.Platform == "instagram" && !hasScope(c.tok.Scope, "instagram_business_content_publish"):
		graphError(c.w, http.StatusBadRequest, 10, 0, "OAuthException", "Application does not have permission for this action")
	default:
		return true
	}
	return false
}

// igCreateContainer serves POST /{ig-user-id}/media.
func (s *Sim) igCreateContainer(c *igCall) {
	if !s.igMayPublish(c) {
		return
	}
	p := c.params
	ct := &igContainer{Owner: c.id, MediaType: strings.ToUpper(p.Get("media_type")), ImageURL: p.Get("image_url"),
		VideoURL: p.Get("video_url"), Caption: p.Get("caption"), CarouselItem: p.Get("is_carousel_item") == "true"}
	var ok bool
	switch ct.MediaType {
	case "", "IMAGE":
		ct.MediaType = "IMAGE"
		if ok = igMediaURL(c.w, ct.ImageURL); ok {
			ct.Failure = s.igFetchImage(c.r.Context(), ct.ImageURL)
		}
	case "VIDEO", "REELS":
		ok = igMediaURL(c.w, ct.VideoURL)
	case "STORIES":
		ok = igMediaURL(c.w, ct.ImageURL+ct.VideoURL)
	case "CAROUSEL":
		ok = s.igCarouselChildren(c, ct)
	default:
		graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException",
			"(#100) Param media_type must be one of {CAROUSEL, IMAGE, REELS, STORIES, VIDEO}")
	}
	if !ok {
		return
	}
	s.ig.mu.Lock()
	ct.ID, ct.Created = s.ig.newID(), s.opts.Now()
	s.ig.containers[ct.ID] = ct
	s.ig.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]string{"id": ct.ID})
}

// igMediaURL checks a media URL is an absolute http(s) URL. A missing or
// unusable one is refused as Meta does for an empty media URI (observed
// 9004/2207052: inovector/mixpost#197, gitroomhq/postiz-app#1900).
func igMediaURL(w http.ResponseWriter, raw string) bool {
	u, err := url.Parse(raw)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return true
	}
	igError(w, 9004, 2207052, "Only photo or video can be accepted as media type.",
		"Media download has failed. The media URI doesn't meet our requirements.",
		fmt.Sprintf("The media could not be fetched from this URI: %s. Please check the limitations section in our development document for more information.", raw))
	return false
}

// igCarouselChildren validates children (2–10 unpublished carousel-item
// containers of the same account); a failed child fails the parent.
func (s *Sim) igCarouselChildren(c *igCall, ct *igContainer) bool {
	ids := splitFields(c.params.Get("children"))
	if len(ids) < 2 || len(ids) > igCarouselMax {
		graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException",
			fmt.Sprintf("(#100) Param children must contain between 2 and %d container IDs", igCarouselMax))
		return false
	}
	s.ig.mu.Lock()
	defer s.ig.mu.Unlock()
	for i, id := range ids {
		ch, ok := s.ig.containers[id]
		if !ok || ch.Owner != ct.Owner || !ch.CarouselItem || ch.MediaID != "" ||
			!s.opts.Now().Before(ch.Created.Add(igContainerTTL)) {
			graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException",
				fmt.Sprintf("(#100) Param children[%d] must be an unpublished carousel item container of this account", i))
			return false
		}
		if ch.Failure != "" && ct.Failure == "" {
			ct.Failure = fmt.Sprintf("Carousel item %s failed: %s", id, ch.Failure)
		}
	}
	ct.Children = ids
	return true
}

// igFetchImage downloads image_url as Meta does when Options.FetchMedia is
// set and returns why the container must fail ("" when the image is fine):
// not 2xx, not JPEG, over 8 MiB, or outside 4:5–1.91:1 (platforms.md §2.6).
func (s *Sim) igFetchImage(ctx context.Context, raw string) string {
	if !s.opts.FetchMedia {
		return ""
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return "Media download has failed. The media URI doesn't meet our requirements: " + raw
	}
	resp, err := s.opts.MediaClient.Do(req)
	if err != nil {
		return "Media download has failed. The media could not be fetched from this URI: " + raw
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Sprintf("Media download has failed. The media URI answered HTTP %d: %s", resp.StatusCode, raw)
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "image/jpeg" {
		return fmt.Sprintf("Only JPEG images are supported; the media URI answered %q: %s", ct, raw)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, igImageMax+1))
	switch {
	case err != nil:
		return "Media download has failed. The download was interrupted: " + raw
	case len(body) > igImageMax:
		return "The image is too large to download. It should be less than 8 MiB."
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
	if err != nil || cfg.Height == 0 {
		return "The image could not be decoded as a JPEG: " + raw
	}
	if r := float64(cfg.Width) / float64(cfg.Height); r < 0.8 || r > 1.91 {
		return fmt.Sprintf("The aspect ratio of the image (%dx%d) is not supported; it must be between 4:5 and 1.91:1.", cfg.Width, cfg.Height)
	}
	return ""
}

func (g *igState) newID() string {
	g.nextID++
	return strconv.FormatInt(g.nextID, 10)
}

// igStatus is a container's status_code; a status read (poll) advances an
// IN_PROGRESS container towards FINISHED or ERROR. Caller holds s.ig.mu.
func (s *Sim) igStatus(ct *igContainer, poll bool) string {
	switch {
	case ct.MediaID != "":
		return "PUBLISHED"
	case !s.opts.Now().Before(ct.Created.Add(igContainerTTL)):
		return "EXPIRED"
	case ct.Polls < s.opts.ContainerPolls:
		if poll {
			ct.Polls++
		}
		return "IN_PROGRESS"
	case ct.Failure != "":
		return "ERROR"
	}
	return "FINISHED"
}

var igStatusText = map[string]string{
	"IN_PROGRESS": "In Progress: Media is still being processed.",
	"FINISHED":    "Finished: Media has been uploaded and it is ready to be published.",
	"PUBLISHED":   "Published: Media has been successfully published.",
	"EXPIRED":     "Expired: Media was not published within 24 hours.",
}

// igObject answers GET /{id} for an IG user, a container or a media.
func (s *Sim) igObject(c *igCall) {
	if u, ok := igUserByID(c.id); ok {
		if !actsFor(c.tok, u.UserID) {
			unsupportedObject(c.w, c.r, c.id)
			return
		}
		s.igUserFields(c, u)
		return
	}
	s.ig.mu.Lock()
	var node string
	var all map[string]any
	if ct, ok := s.ig.containers[c.id]; ok && actsFor(c.tok, ct.Owner) {
		code := s.igStatus(ct, true)
		status := igStatusText[code]
		if code == "ERROR" {
			status = "Error: " + ct.Failure
		}
		node, all = "ShadowIGMediaBuilder", map[string]any{"id": ct.ID, "status_code": code, "status": status}
	} else if m, ok := s.ig.media[c.id]; ok && actsFor(c.tok, m.Owner) {
		node, all = "IGMedia", igMediaFields(m)
	}
	s.ig.mu.Unlock()
	if all == nil {
		unsupportedObject(c.w, c.r, c.id)
		return
	}
	writeFields(c, node, all)
}

func igMediaFields(m *igMedia) map[string]any {
	var caption any
	if m.Caption != "" {
		caption = m.Caption
	}
	return map[string]any{
		"id": m.ID, "caption": caption, "media_type": m.MediaType, "media_product_type": m.ProductType,
		"media_url": m.URLs[0], "permalink": "https://www.instagram.com/p/" + m.Shortcode + "/",
		"shortcode": m.Shortcode, "timestamp": m.Timestamp.UTC().Format(graphTimeLayout),
		"username": igUsernameOf(m.Owner), "owner": map[string]string{"id": m.Owner},
	}
}

func igUsernameOf(id string) string {
	u, _ := igUserByID(id)
	return u.Username
}

// igPublish serves POST /{ig-user-id}/media_publish?creation_id=….
func (s *Sim) igPublish(c *igCall) {
	if !s.igMayPublish(c) {
		return
	}
	cid := c.params.Get("creation_id")
	if cid == "" {
		graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException", "(#100) The parameter creation_id is required")
		return
	}
	m, refuse := s.igPublishContainer(c.id, cid)
	if refuse != nil {
		refuse(c.w)
		return
	}
	s.addPost(Post{Platform: "instagram", AccountID: c.id, ID: m.ID, Text: m.Caption, Media: m.URLs, Published: true})
	writeJSON(c.w, http.StatusOK, map[string]string{"id": m.ID})
}

// igPublishContainer turns a FINISHED container into media, or returns the
// error to answer: not ready/unknown/failed → 9007/2207027 (observed,
// exileum/meta-mcp#138), expired → -2/2207020, over the 24 h limit →
// 9/2207042 (platforms.md §2.5, §2.7).
func (s *Sim) igPublishContainer(owner, cid string) (*igMedia, func(http.ResponseWriter)) {
	s.ig.mu.Lock()
	defer s.ig.mu.Unlock()
	ct, ok := s.ig.containers[cid]
	status := ""
	if ok && ct.Owner == owner && !ct.CarouselItem {
		status = s.igStatus(ct, false)
	}
	now := s.opts.Now()
	switch {
	case status == "EXPIRED":
		return nil, func(w http.ResponseWriter) {
			igError(w, -2, 2207020, "The media you are trying to access has expired. Please try to upload again.",
				"Media expired", "The media has expired. Please create a new container and try again.")
		}
	case status != "FINISHED":
		return nil, func(w http.ResponseWriter) {
			igError(w, 9007, 2207027, "Media ID is not available", "Media not ready for publishing",
				"The media is not ready for publishing, please wait for a moment")
		}
	case s.igUsage(owner, now.Add(-igPublishWindow)) >= s.igLimit():
		return nil, func(w http.ResponseWriter) {
			igError(w, 9, 2207042, "Application request limit reached", "Maximum number of posts reached",
				"You reached maximum number of posts that is allowed to be published by Content Publishing API.")
		}
	}
	m := &igMedia{ID: s.ig.newID(), Owner: owner, Caption: ct.Caption, Shortcode: shortcode(), Timestamp: now}
	m.MediaType, m.ProductType, m.URLs = s.igMediaKind(ct)
	for _, id := range append([]string{cid}, ct.Children...) {
		s.ig.containers[id].MediaID = m.ID
	}
	s.ig.media[m.ID] = m
	s.ig.order = append(s.ig.order, m.ID)
	return m, nil
}

// igMediaKind maps a container to the media's media_type, media_product_type
// and URLs. Caller holds s.ig.mu.
func (s *Sim) igMediaKind(ct *igContainer) (typ, product string, urls []string) {
	switch ct.MediaType {
	case "CAROUSEL":
		for _, id := range ct.Children {
			ch := s.ig.containers[id]
			urls = append(urls, ch.ImageURL+ch.VideoURL)
		}
		return "CAROUSEL_ALBUM", "FEED", urls
	case "VIDEO", "REELS":
		return "VIDEO", "REELS", []string{ct.VideoURL}
	case "STORIES":
		if ct.VideoURL != "" {
			return "VIDEO", "STORY", []string{ct.VideoURL}
		}
		return "IMAGE", "STORY", []string{ct.ImageURL}
	}
	return "IMAGE", "FEED", []string{ct.ImageURL}
}

func shortcode() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "C" + base64.RawURLEncoding.EncodeToString(b)
}

func (s *Sim) igLimit() int {
	if s.opts.InstagramPublishLimit > 0 {
		return s.opts.InstagramPublishLimit
	}
	return igDefaultLimit
}

// igUsage counts media owner published after since. Caller holds s.ig.mu.
func (s *Sim) igUsage(owner string, since time.Time) int {
	n := 0
	for _, m := range s.ig.media {
		if m.Owner == owner && m.Timestamp.After(since) {
			n++
		}
	}
	return n
}

func (s *Sim) igMediaCount(owner string) int {
	s.ig.mu.Lock()
	defer s.ig.mu.Unlock()
	return s.igUsage(owner, time.Time{})
}

// igPublishingLimit serves GET /{ig-user-id}/content_publishing_limit
// (platforms.md §2.5); the default field is quota_usage.
func (s *Sim) igPublishingLimit(c *igCall) {
	if _, ok := igUserByID(c.id); !ok || !actsFor(c.tok, c.id) {
		unsupportedObject(c.w, c.r, c.id)
		return
	}
	since := s.opts.Now().Add(-igPublishWindow)
	if v, err := strconv.ParseInt(c.params.Get("since"), 10, 64); err == nil && time.Unix(v, 0).After(since) {
		since = time.Unix(v, 0)
	}
	s.ig.mu.Lock()
	usage := s.igUsage(c.id, since)
	s.ig.mu.Unlock()
	fields := splitFields(c.params.Get("fields"))
	if len(fields) == 0 {
		fields = []string{"quota_usage"}
	}
	entry := map[string]any{}
	for _, f := range fields {
		switch f {
		case "quota_usage":
			entry[f] = usage
		case "config":
			entry[f] = map[string]int{"quota_total": s.igLimit(), "quota_duration": int(igPublishWindow.Seconds())}
		default:
			graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException", fmt.Sprintf(
				"(#100) Tried accessing nonexisting field (%s) on node type (ContentPublishingLimitResponse)", f))
			return
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"data": []any{entry}})
}

// igListMedia serves GET /{ig-user-id}/media: the account's media, newest
// first, paged with limit/after cursors, so a client can see whether a post
// already went out.
func (s *Sim) igListMedia(c *igCall) {
	if _, ok := igUserByID(c.id); !ok || !actsFor(c.tok, c.id) {
		unsupportedObject(c.w, c.r, c.id)
		return
	}
	limit, err := strconv.Atoi(c.params.Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 25
	}
	page, more := s.igMediaPage(c.id, c.params.Get("after"), limit)
	data := make([]map[string]any, 0, len(page))
	for _, m := range page {
		out, bad := pickFields(igMediaFields(m), c.params.Get("fields"))
		if bad != "" {
			graphError(c.w, http.StatusBadRequest, 100, 0, "OAuthException",
				fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (IGMedia)", bad))
			return
		}
		data = append(data, out)
	}
	resp := map[string]any{"data": data}
	if len(page) > 0 {
		paging := map[string]any{"cursors": map[string]string{"before": page[0].ID, "after": page[len(page)-1].ID}}
		if more {
			paging["next"] = nextPageURL(c.r, page[len(page)-1].ID)
		}
		resp["paging"] = paging
	}
	writeJSON(c.w, http.StatusOK, resp)
}

// igMediaPage returns up to limit media of owner after the cursor, newest first.
func (s *Sim) igMediaPage(owner, after string, limit int) ([]*igMedia, bool) {
	s.ig.mu.Lock()
	defer s.ig.mu.Unlock()
	var page []*igMedia
	skipping := after != ""
	for i := len(s.ig.order) - 1; i >= 0; i-- {
		m := s.ig.media[s.ig.order[i]]
		switch {
		case m.Owner != owner:
		case skipping:
			skipping = m.ID != after
		case len(page) == limit:
			return page, true
		default:
			page = append(page, m)
		}
	}
	return page, false
}

// nextPageURL is the request's own platform URL with after=cursor; the
// endpoint rewrite routes it back here.
func nextPageURL(r *http.Request, after string) string {
	host, path := splitHost(r.URL.Path)
	q := r.URL.Query()
	q.Set("after", after)
	return "https://" + host + path + "?" + q.Encode()
}
