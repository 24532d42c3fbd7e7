package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // X accepts GIF uploads
	_ "image/jpeg" // and JPEG
	_ "image/png"  // and PNG
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// X media upload, v2 one-shot and chunked (platforms.md §3.4) and v1.1
// one-shot (§3.5). Bodies are counted as they stream; only the first 64 KiB
// are kept, enough to read an image's dimensions.

// xMedia is one uploaded (or uploading) media item.
type xMedia struct {
	ID, Owner, Category, MediaType string
	Total                          int64         // total_bytes declared at initialize
	Segments                       map[int]int64 // chunked: bytes per segment_index
	Head                           []byte        // first bytes of segment 0 (or the whole image)
	State                          string        // "" while uploading, then pending|in_progress|succeeded|failed
	Polls                          int           // STATUS polls since finalize
	Image                          *xImageInfo   // set for decodable images
}

type xImageInfo struct {
	ImageType string `json:"image_type"`
	W         int    `json:"w"`
	H         int    `json:"h"`
}

const xHeadMax = 64 << 10

// xCategoryMax is each media_category's size limit: image 5 MB, GIF 15 MB,
// video 512 MB (§3.4).
var xCategoryMax = map[string]int64{
	"tweet_image": 5 << 20, "dm_image": 5 << 20, "subtitles": 5 << 20,
	"tweet_gif": 15 << 20, "dm_gif": 15 << 20,
	"tweet_video": 512 << 20, "dm_video": 512 << 20, "amplify_video": 512 << 20,
}

func xIsImage(category string) bool { return strings.HasSuffix(category, "_image") }
func xIsVideo(category string) bool { return strings.HasSuffix(category, "_video") }

// mediaKey is the type-prefixed key X returns next to the id.
func (m *xMedia) mediaKey() string {
	switch {
	case m.Category == "amplify_video":
		return "13_" + m.ID
	case xIsVideo(m.Category):
		return "7_" + m.ID
	case strings.HasSuffix(m.Category, "_gif"):
		return "16_" + m.ID
	}
	return "3_" + m.ID
}

func (m *xMedia) size() int64 {
	var n int64
	for _, s := range m.Segments {
		n += s
	}
	return n
}

// data is the media object of v2 upload responses.
func (m *xMedia) data() map[string]any {
	d := map[string]any{"id": m.ID, "media_key": m.mediaKey(), "size": m.size(), "expires_after_secs": 86400}
	if m.Image != nil {
		d["image"] = m.Image
	}
	switch {
	case m.State == "succeeded" && m.Image != nil:
	case m.State == "pending":
		d["processing_info"] = map[string]any{"state": "pending", "check_after_secs": 1}
	case m.State == "in_progress":
		d["processing_info"] = map[string]any{"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
	case m.State != "":
		d["processing_info"] = map[string]any{"state": m.State, "progress_percent": 100}
	}
	return d
}

// decodeImage fills m.Image from m.Head; false when it is not an image.
func (m *xMedia) decodeImage() bool {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(m.Head))
	if err != nil {
		return false
	}
	m.Image = &xImageInfo{ImageType: "image/" + format, W: cfg.Width, H: cfg.Height}
	return true
}

// newMedia registers media owned by owner.
func (x *xAPI) newMedia(owner, category, mediaType string, total int64) *xMedia {
	m := &xMedia{ID: x.nextID(), Owner: owner, Category: category, MediaType: mediaType, Total: total, Segments: map[int]int64{}}
	x.mu.Lock()
	x.media[m.ID] = m
	x.mu.Unlock()
	return m
}

// storeOneShot stores a whole upload: images must decode, and the size must
// fit the category. It returns the problem to report, if any.
func (x *xAPI) storeOneShot(owner, category string, body []byte) (*xMedia, string) {
	limit, ok := xCategoryMax[category]
	switch {
	case !ok || xIsVideo(category):
		return nil, "media_category must be one of tweet_image, dm_image, tweet_gif, dm_gif, subtitles for a one-shot upload; upload video with initialize/append/finalize."
	case len(body) == 0:
		return nil, "The media field is required."
	case int64(len(body)) > limit:
		return nil, fmt.Sprintf("File size exceeds %d bytes.", limit)
	}
	m := &xMedia{Owner: owner, Category: category, Segments: map[int]int64{0: int64(len(body))}, Head: body, State: "succeeded"}
	if category != "subtitles" && !m.decodeImage() {
		return nil, "media type unrecognized."
	}
	m.Head, m.ID = nil, x.nextID()
	if m.Image != nil {
		m.MediaType = m.Image.ImageType
	}
	x.mu.Lock()
	x.media[m.ID] = m
	x.mu.Unlock()
	return m, ""
}

// readUpload reads a one-shot body: multipart (media file plus small fields),
// JSON {"media": base64, …}, or an already parsed form with media_data.
func readUpload(r *http.Request, limit int64) (fields map[string]string, media []byte, err error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	fields = map[string]string{}
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, nil, fmt.Errorf("read multipart body: %w", err)
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			} else if err != nil {
				return nil, nil, fmt.Errorf("read multipart part: %w", err)
			}
			b, err := io.ReadAll(io.LimitReader(p, limit+1))
			if err != nil {
				return nil, nil, fmt.Errorf("read part %s: %w", p.FormName(), err)
			}
			if p.FormName() == "media" {
				media = b
			} else {
				fields[p.FormName()] = string(b)
			}
		}
	case "application/json":
		var body map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, limit*2)).Decode(&body); err != nil {
			return nil, nil, fmt.Errorf("decode JSON body: %w", err)
		}
		for k, v := range body {
			fields[k] = fmt.Sprint(v)
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, nil, fmt.Errorf("parse form: %w", err)
		}
		for k := range r.PostForm {
			fields[k] = r.PostForm.Get(k)
		}
	}
	if media == nil && (fields["media"] != "" || fields["media_data"] != "") {
		b64 := fields["media"] + fields["media_data"]
		if media, err = base64.StdEncoding.DecodeString(b64); err != nil {
			return nil, nil, fmt.Errorf("decode base64 media: %w", err)
		}
	}
	return fields, media, nil
}

// handleUploadV2 is the one-shot POST /2/media/upload.
func (x *xAPI) handleUploadV2(w http.ResponseWriter, r *http.Request) {
	c, ok := x.authenticate(w, r, "media/upload")
	if !ok || !x.allow(w, c.User.ID, "media/upload") {
		return
	}
	if !c.may("media.write") {
		xForbidden(w, "Missing the media.write scope.")
		return
	}
	if r.URL.Query().Get("command") != "" {
		xInvalid(w, "The command= form of /2/media/upload is deprecated; use /2/media/upload/initialize, /append and /finalize.")
		return
	}
	fields, body, err := readUpload(r, 15<<20)
	if err != nil {
		xInvalid(w, "The request body could not be read as multipart/form-data or JSON.")
		return
	}
	m, problem := x.storeOneShot(c.User.ID, fields["media_category"], body)
	if problem != "" {
		xInvalid(w, problem)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": m.data()})
}

// xV1Error writes the v1.1 error shape {"errors":[{"code","message"}]}.
func xV1Error(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"code": code, "message": msg}}})
}

// handleUploadV1 is POST upload.twitter.com/1.1/media/upload.json, OAuth 1.0a
// only (§3.5).
func (x *xAPI) handleUploadV1(w http.ResponseWriter, r *http.Request) {
	u, ok := x.verifyOAuth1(r)
	if !ok {
		x.rateHeaders(w, "anonymous", "1.1/media/upload", 0)
		xV1Error(w, http.StatusUnauthorized, 32, "Could not authenticate you.")
		return
	}
	if !x.allow(w, u.ID, "1.1/media/upload") {
		return
	}
	fields, body, err := readUpload(r, 15<<20)
	if err != nil || fields["command"] != "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"request": "/1.1/media/upload.json",
			"error": "media type unrecognized."})
		return
	}
	category := fields["media_category"]
	if category == "" {
		category = "tweet_image"
	}
	m, problem := x.storeOneShot(u.ID, category, body)
	if problem != "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"request": "/1.1/media/upload.json", "error": problem})
		return
	}
	id, _ := strconv.ParseInt(m.ID, 10, 64)
	writeJSON(w, http.StatusOK, map[string]any{"media_id": id, "media_id_string": m.ID, "media_key": m.mediaKey(),
		"size": m.size(), "expires_after_secs": 86400, "image": m.Image})
}

// handleUploadInit is POST /2/media/upload/initialize.
func (x *xAPI) handleUploadInit(w http.ResponseWriter, r *http.Request) {
	c, ok := x.authenticate(w, r, "media/upload/chunked")
	if !ok || !x.allow(w, c.User.ID, "media/upload/chunked") {
		return
	}
	if !c.may("media.write") {
		xForbidden(w, "Missing the media.write scope.")
		return
	}
	var req struct {
		MediaType     string `json:"media_type"`
		TotalBytes    int64  `json:"total_bytes"`
		MediaCategory string `json:"media_category"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		xInvalid(w, "The request body is not valid JSON.")
		return
	}
	limit, known := xCategoryMax[req.MediaCategory]
	switch {
	case !known:
		xInvalid(w, "media_category must be one of tweet_image, tweet_gif, tweet_video, amplify_video, dm_image, dm_gif, dm_video, subtitles.")
	case req.MediaType == "":
		xInvalid(w, "media_type is required.")
	case req.TotalBytes <= 0 || req.TotalBytes > limit:
		xInvalid(w, fmt.Sprintf("total_bytes must be between 1 and %d for %s.", limit, req.MediaCategory))
	default:
		m := x.newMedia(c.User.ID, req.MediaCategory, req.MediaType, req.TotalBytes)
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{
			"id": m.ID, "media_key": m.mediaKey(), "expires_after_secs": 86400}})
	}
}

// chunkedMedia authenticates a chunked step and finds the caller's media
// {id}; nil when it answered.
func (x *xAPI) chunkedMedia(w http.ResponseWriter, r *http.Request, id string) *xMedia {
	c, ok := x.authenticate(w, r, "media/upload/chunked")
	if !ok || !x.allow(w, c.User.ID, "media/upload/chunked") {
		return nil
	}
	if !c.may("media.write") {
		xForbidden(w, "Missing the media.write scope.")
		return nil
	}
	x.mu.Lock()
	m := x.media[id]
	x.mu.Unlock()
	if m == nil || m.Owner != c.User.ID {
		xProblem(w, http.StatusNotFound, "Not Found Error", "Could not find media with id: ["+id+"].",
			"https://api.x.com/2/problems/resource-not-found")
		return nil
	}
	return m
}

// handleUploadAppend is POST /2/media/upload/{id}/append: a segment as JSON
// (base64 media) or multipart (raw media), counted as it streams.
func (x *xAPI) handleUploadAppend(w http.ResponseWriter, r *http.Request) {
	m := x.chunkedMedia(w, r, r.PathValue("id"))
	if m == nil {
		return
	}
	seg, n, head, err := readSegment(r)
	if err != nil || seg < 0 || seg > 999 {
		xInvalid(w, "An append needs media and a segment_index between 0 and 999.")
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if m.State != "" {
		xInvalid(w, "This media has already been finalized.")
		return
	}
	old := m.Segments[seg]
	if m.size()-old+n > m.Total {
		xInvalid(w, "The segments exceed total_bytes.")
		return
	}
	m.Segments[seg] = n
	if seg == 0 {
		m.Head = head
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"expires_at": x.mediaExpiresAt().Unix()}})
}

// readSegment reads an append body, keeping only the first xHeadMax bytes.
func readSegment(r *http.Request) (seg int, n int64, head []byte, err error) {
	seg = -1
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		var req struct {
			Media        string `json:"media"`
			SegmentIndex *int   `json:"segment_index"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&req); err != nil || req.SegmentIndex == nil {
			return -1, 0, nil, fmt.Errorf("decode append JSON: %w", err)
		}
		b, err := base64.StdEncoding.DecodeString(req.Media)
		if err != nil || len(b) == 0 {
			return -1, 0, nil, fmt.Errorf("decode base64 media: %w", err)
		}
		return *req.SegmentIndex, int64(len(b)), b[:min(len(b), xHeadMax)], nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return -1, 0, nil, fmt.Errorf("read multipart body: %w", err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return seg, n, head, nil
		} else if err != nil {
			return -1, 0, nil, fmt.Errorf("read multipart part: %w", err)
		}
		if p.FormName() == "media" {
			buf := &limitedBuffer{max: xHeadMax}
			if n, err = io.Copy(buf, p); err != nil {
				return -1, 0, nil, fmt.Errorf("read media part: %w", err)
			}
			head = buf.b
		} else if p.FormName() == "segment_index" {
			b, _ := io.ReadAll(io.LimitReader(p, 16))
			if seg, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
				return -1, 0, nil, fmt.Errorf("segment_index: %w", err)
			}
		}
	}
}

// handleUploadFinalize is POST /2/media/upload/{id}/finalize: images are ready
// at once; GIFs and videos go through pending → in_progress → succeeded as
// the client polls STATUS.
func (x *xAPI) handleUploadFinalize(w http.ResponseWriter, r *http.Request) {
	m := x.chunkedMedia(w, r, r.PathValue("id"))
	if m == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case m.State != "":
	case m.size() != m.Total:
		xInvalid(w, fmt.Sprintf("Received %d bytes, but total_bytes is %d.", m.size(), m.Total))
		return
	case xIsImage(m.Category) && !m.decodeImage():
		m.State = "failed"
		xInvalid(w, "media type unrecognized.")
		return
	case xIsImage(m.Category) || m.Category == "subtitles":
		m.State = "succeeded"
	default:
		m.State = "pending"
	}
	m.Head = nil
	writeJSON(w, http.StatusOK, map[string]any{"data": m.data()})
}

// handleUploadStatus is GET /2/media/upload?command=STATUS&media_id=….
func (x *xAPI) handleUploadStatus(w http.ResponseWriter, r *http.Request) {
	m := x.chunkedMedia(w, r, r.URL.Query().Get("media_id"))
	if m == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if m.State == "pending" || m.State == "in_progress" {
		m.Polls++
		m.State = map[bool]string{true: "succeeded", false: "in_progress"}[m.Polls >= 2]
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": m.data()})
}
