package sim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// videos.insert over the resumable upload protocol (platforms.md §5.4-§5.6).
// Bytes are hashed and counted as they stream, never buffered, so a 1 GiB
// upload takes constant memory.

const (
	ytChunkUnit   = 256 << 10          // non-final chunks are multiples of 256 KiB
	ytSessionLife = 7 * 24 * time.Hour // the "finite lifetime" of a session URI (§5.4 step 5)
)

// ytMeta is the part of a video resource the simulator reads.
type ytMeta struct {
	Snippet struct {
		Title       string          `json:"title"`
		Description string          `json:"description"`
		Tags        []string        `json:"tags"`
		CategoryID  json.RawMessage `json:"categoryId"` // a string; the doc sample sends a number
	} `json:"snippet"`
	Status struct {
		PrivacyStatus           string `json:"privacyStatus"`
		PublishAt               string `json:"publishAt"`
		SelfDeclaredMadeForKids *bool  `json:"selfDeclaredMadeForKids,omitempty"`
	} `json:"status"`
}

// ytSession is one resumable upload.
type ytSession struct {
	mu       sync.Mutex // held while a PUT streams, so queries see its final count
	user     googleUser
	parts    map[string]bool
	meta     ytMeta
	total    int64 // -1 until known
	received int64
	hash     hash.Hash
	created  time.Time
	video    map[string]any // the response once complete
}

// ytVideo is an uploaded video, for videos.list and playlistItems.list.
type ytVideo struct {
	ID        string
	ChannelID string
	Owner     string // Google sub
	Resource  map[string]any
	Published time.Time
	Private   bool
}

var ytDigits = regexp.MustCompile(`^[0-9]+$`)

// validate applies §5.5's metadata rules; it returns the failing reason and
// message, or "".
func (m *ytMeta) validate() (reason, msg string) {
	sn, st := &m.Snippet, &m.Status
	tagLen := 0
	for i, t := range sn.Tags {
		tagLen += utf8.RuneCountInString(t) + min(i, 1) // commas between tags count
		if strings.Contains(t, " ") {
			tagLen += 2 // a tag with a space is quoted
		}
	}
	cat := strings.Trim(string(sn.CategoryID), `"`)
	switch {
	case strings.TrimSpace(sn.Title) == "" || utf8.RuneCountInString(sn.Title) > 100 || strings.ContainsAny(sn.Title, "<>"):
		return "invalidTitle", "The request metadata specifies an invalid or empty video title."
	case len(sn.Description) > 5000 || strings.ContainsAny(sn.Description, "<>"):
		return "invalidDescription", "The request metadata specifies an invalid video description."
	case tagLen > 500:
		return "invalidTags", "The request metadata specifies invalid video keywords."
	case len(sn.CategoryID) > 0 && !ytDigits.MatchString(cat):
		return "invalidCategoryId", "The snippet.categoryId property specifies an invalid category ID."
	case st.PrivacyStatus != "private" && st.PrivacyStatus != "public" && st.PrivacyStatus != "unlisted":
		return "invalidVideoMetadata", "The request metadata is invalid: status.privacyStatus must be private, public or unlisted."
	case st.PublishAt != "" && st.PrivacyStatus != "private":
		return "invalidPublishAt", "The request metadata specifies an invalid scheduled publishing time: publishAt needs privacyStatus private."
	}
	if _, err := time.Parse(time.RFC3339, st.PublishAt); st.PublishAt != "" && err != nil {
		return "invalidPublishAt", "The request metadata specifies an invalid scheduled publishing time."
	}
	sn.CategoryID = json.RawMessage(strconv.Quote(cat))
	return "", ""
}

// takeQuota spends one videos.insert call of today's (Pacific) bucket.
func (y *ytAPI) takeQuota() bool {
	day := y.s.opts.Now().In(y.pacific).Format(time.DateOnly)
	y.mu.Lock()
	defer y.mu.Unlock()
	if day != y.quotaDay {
		y.quotaDay, y.quotaUsed = day, 0
	}
	if y.quotaUsed >= y.perDay {
		return false
	}
	y.quotaUsed++
	return true
}

// handleUploadPost starts a session (§5.4 step 1), or carries a chunk in the
// google-api-go-client style (POST …&upload_id=, X-GUploader-No-308: yes).
func (y *ytAPI) handleUploadPost(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("upload_id") != "" {
		y.handleUploadChunk(w, r)
		return
	}
	u, ok := y.ytCaller(w, r, ytUploadScopes)
	if !ok {
		return
	}
	switch {
	case u.ChannelID == "":
		googleError(w, http.StatusUnauthorized, "youtube.header", "youtubeSignupRequired", "Unauthorized",
			"location", "Authorization", "locationType", "header")
		return
	case r.URL.Query().Get("uploadType") != "resumable":
		googleError(w, http.StatusBadRequest, "global", "invalidUploadType",
			"The simulator implements uploadType=resumable for videos.insert.")
		return
	case !y.takeQuota():
		googleError(w, http.StatusForbidden, "youtube.quota", "quotaExceeded",
			`The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.`)
		return
	}
	var meta ytMeta
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&meta); err != nil {
		googleError(w, http.StatusBadRequest, "youtube.video", "invalidVideoMetadata", "The request metadata is invalid.")
		return
	}
	if meta.Status.PrivacyStatus == "" {
		meta.Status.PrivacyStatus = "public" // the API's default
	}
	if reason, msg := meta.validate(); reason != "" {
		googleError(w, http.StatusBadRequest, "youtube.video", reason, msg)
		return
	}
	y.startSession(w, r, u, meta)
}

// startSession opens the session and answers 200 with its URI in Location.
func (y *ytAPI) startSession(w http.ResponseWriter, r *http.Request, u googleUser, meta ytMeta) {
	total := int64(-1)
	if v := r.Header.Get("X-Upload-Content-Length"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			googleError(w, http.StatusBadRequest, "global", "badRequest", "Invalid X-Upload-Content-Length.")
			return
		}
		total = n
	}
	id := newID("sim-upload-")
	y.mu.Lock()
	y.sessions[id] = &ytSession{user: u, parts: ytParts(r.URL.Query()), meta: meta, total: total,
		hash: sha256.New(), created: y.s.opts.Now()}
	y.mu.Unlock()
	w.Header().Set("Location", "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id="+id)
	w.Header().Set("X-GUploader-UploadID", id)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// ytRange is a parsed Content-Range: start -1 for "bytes */total", total -1
// for ".../*".
type ytRange struct{ start, end, total int64 }

var ytRangeRe = regexp.MustCompile(`^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$`)

// parseYTRange parses a Content-Range header, or describes a whole-body PUT
// (no header) of contentLength bytes (-1: unknown, read to the end) for an
// upload of total bytes (-1: unknown).
func parseYTRange(h string, contentLength, total int64) (ytRange, bool) {
	if h == "" {
		rg := ytRange{start: 0, end: 1<<62 - 1, total: total}
		if contentLength >= 0 {
			rg.end = contentLength - 1
			if total < 0 {
				rg.total = contentLength
			}
		}
		return rg, true
	}
	m := ytRangeRe.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return ytRange{}, false
	}
	rg := ytRange{start: -1, end: -1, total: -1}
	if m[1] != "" {
		rg.start, _ = strconv.ParseInt(m[1], 10, 64)
		rg.end, _ = strconv.ParseInt(m[2], 10, 64)
	}
	if m[3] != "*" {
		rg.total, _ = strconv.ParseInt(m[3], 10, 64)
	}
	return rg, rg.start <= rg.end && (rg.total < 0 || rg.end < rg.total)
}

// session finds a live session by the request's upload_id.
func (y *ytAPI) session(r *http.Request) *ytSession {
	y.mu.Lock()
	defer y.mu.Unlock()
	sess := y.sessions[r.URL.Query().Get("upload_id")]
	if sess == nil || !y.s.opts.Now().Before(sess.created.Add(ytSessionLife)) {
		return nil
	}
	return sess
}

// handleUploadChunk is PUT (or POST) on a session URI (§5.4 steps 2-4): a whole
// body, a Content-Range chunk, or a "bytes */total" status query.
func (y *ytAPI) handleUploadChunk(w http.ResponseWriter, r *http.Request) {
	sess := y.session(r)
	if sess == nil {
		googleError(w, http.StatusNotFound, "global", "notFound", "Not Found")
		return
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.video != nil { // already complete: the original response again
		writeJSON(w, http.StatusCreated, sess.video)
		return
	}
	whole := r.Header.Get("Content-Range") == ""
	rg, ok := parseYTRange(r.Header.Get("Content-Range"), r.ContentLength, sess.total)
	if !ok || (rg.total >= 0 && sess.total >= 0 && rg.total != sess.total) {
		http.Error(w, "Invalid request. The Content-Range header is invalid or does not match the upload size.", http.StatusBadRequest)
		return
	}
	if rg.total >= 0 {
		sess.total = rg.total
	}
	if rg.start >= 0 && !y.receive(w, r, sess, rg, whole) {
		return
	}
	if whole && sess.total < 0 { // a body of unknown length ends the upload
		sess.total = sess.received
	}
	if sess.total >= 0 && sess.received == sess.total {
		y.complete(w, sess)
		return
	}
	ytIncomplete(w, r, sess.received)
}

// receive streams a chunk into the session; false when it answered.
func (y *ytAPI) receive(w http.ResponseWriter, r *http.Request, sess *ytSession, rg ytRange, whole bool) bool {
	if rg.start > sess.received {
		http.Error(w, fmt.Sprintf("Invalid request. According to the Content-Range header, the upload offset is %d byte(s), which exceeds already uploaded size of %d byte(s).",
			rg.start, sess.received), http.StatusBadRequest)
		return false
	}
	n := rg.end - rg.start + 1
	if final := sess.total >= 0 && rg.end == sess.total-1; !whole && !final && n%ytChunkUnit != 0 {
		http.Error(w, fmt.Sprintf("Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained %d bytes, which does not meet this requirement.", n),
			http.StatusBadRequest)
		return false
	}
	// Bytes before what was received are a re-send: skip them, keep the rest.
	body := io.LimitReader(r.Body, n)
	if _, err := io.CopyN(io.Discard, body, sess.received-rg.start); err != nil {
		return false
	}
	_, err := io.Copy(ytCounter{sess}, body)
	if err != nil { // the client went away: what arrived stays received
		http.Error(w, "upload interrupted", http.StatusBadRequest)
		return false
	}
	return true
}

// ytCounter hashes and counts as bytes arrive, so an interrupted PUT leaves
// the session at exactly what was received.
type ytCounter struct{ s *ytSession }

func (c ytCounter) Write(p []byte) (int, error) {
	c.s.hash.Write(p)
	c.s.received += int64(len(p))
	return len(p), nil
}

// ytIncomplete answers 308 Resume Incomplete with the received Range (none
// when nothing arrived); google-api-go-client asks, via X-GUploader-No-308,
// for 200 + X-Http-Status-Code-Override: 308 instead.
func ytIncomplete(w http.ResponseWriter, r *http.Request, received int64) {
	if received > 0 {
		w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", received-1))
	}
	w.Header().Set("Content-Length", "0")
	if strings.EqualFold(r.Header.Get("X-GUploader-No-308"), "yes") {
		w.Header().Set("X-Http-Status-Code-Override", "308")
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusPermanentRedirect) // 308, "Resume Incomplete" here
}

// complete turns a fully received session into a video, records it, and
// answers 201 with the resource.
func (y *ytAPI) complete(w http.ResponseWriter, sess *ytSession) {
	if sess.received == 0 {
		googleError(w, http.StatusBadRequest, "youtube.video", "mediaBodyRequired", "The request does not include the video content.")
		return
	}
	id := ytVideoID()
	now := y.s.opts.Now()
	m := sess.meta
	v := map[string]any{"kind": "youtube#video", "etag": ytETag(id), "id": id,
		"snippet": map[string]any{"publishedAt": now.UTC().Format(time.RFC3339), "channelId": sess.user.ChannelID,
			"title": m.Snippet.Title, "description": m.Snippet.Description, "tags": m.Snippet.Tags,
			"categoryId": strings.Trim(string(m.Snippet.CategoryID), `"`), "channelTitle": sess.user.ChannelTitle,
			"liveBroadcastContent": "none", "localized": map[string]string{"title": m.Snippet.Title, "description": m.Snippet.Description}}}
	st := map[string]any{"uploadStatus": "uploaded", "privacyStatus": m.Status.PrivacyStatus, "license": "youtube",
		"embeddable": true, "publicStatsViewable": true}
	if m.Status.PublishAt != "" {
		st["publishAt"] = m.Status.PublishAt
	}
	v["status"] = st
	sess.video = ytWithParts(v, sess.parts) // the response carries the requested parts
	y.record(sess, v, now)
	writeJSON(w, http.StatusCreated, sess.video)
}

// record keeps the video for the list endpoints and as a simulator Post.
func (y *ytAPI) record(sess *ytSession, video map[string]any, now time.Time) {
	m, id := sess.meta, video["id"].(string)
	post := Post{Platform: "youtube", AccountID: sess.user.ChannelID, ID: id,
		Text:      m.Snippet.Title + "\n" + m.Snippet.Description,
		Media:     []string{fmt.Sprintf("bytes:%d sha256:%s", sess.received, hex.EncodeToString(sess.hash.Sum(nil)))},
		Published: m.Status.PublishAt == ""}
	if at, err := time.Parse(time.RFC3339, m.Status.PublishAt); err == nil {
		post.ScheduledAt = &at
	}
	y.s.addPost(post)
	y.mu.Lock()
	y.videos = append(y.videos, &ytVideo{ID: id, ChannelID: sess.user.ChannelID, Owner: sess.user.Sub,
		Resource: video, Published: now, Private: m.Status.PrivacyStatus == "private"})
	y.mu.Unlock()
}

// ytVideoID is an 11-character base64url id like YouTube's.
func ytVideoID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
