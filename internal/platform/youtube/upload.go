package youtube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/salesai/social/internal/platform"
)

// video is the part of the videos.insert answer we use.
type video struct {
	ID string `json:"id"`
}

// auth is the bearer token of one Publish. A long upload can outlive the
// access token (about an hour, §5.1); a session PUT refused with 401 then
// refreshes it once in place rather than lose the bytes already sent. Google
// does not rotate refresh tokens, so the stored one stays valid.
type auth struct {
	c         *Client
	account   platform.Account
	token     string
	refreshed bool
}

// refresh gets a new access token; false when it cannot or already did.
func (a *auth) refresh(ctx context.Context) bool {
	if a.refreshed || a.account.Credentials.RefreshToken == "" {
		return false
	}
	a.refreshed = true
	tok, err := a.c.Refresh(ctx, a.account)
	if err != nil || tok.AccessToken == "" {
		return false
	}
	a.token = tok.AccessToken
	return true
}

// uploadVideo runs the resumable upload protocol (§5.4): read the first
// chunk (so an empty or broken download costs no quota, and a small video of
// unknown size gets its size announced), start a session, then PUT the bytes
// chunk by chunk, resuming from what YouTube says it has.
func (c *Client) uploadVideo(ctx context.Context, au *auth, md Metadata, m *platform.Media) (video, error) {
	win := newWindow(m, c.cfg.ChunkSize, c.cfg.MaxVideoBytes)
	if err := win.fill(); err != nil {
		return video{}, err
	}
	uri, err := c.startSession(ctx, au.token, md, uploadContentType(m.ContentType), win.knownTotal())
	if err != nil {
		return video{}, err
	}
	s := &session{c: c, ctx: ctx, auth: au, uri: uri, win: win, contentType: uploadContentType(m.ContentType)}
	return s.run()
}

// uploadMetadata is the video resource sent when the session starts.
type uploadMetadata struct {
	Snippet struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		CategoryID  string `json:"categoryId"`
	} `json:"snippet"`
	Status struct {
		PrivacyStatus           string `json:"privacyStatus"`
		SelfDeclaredMadeForKids bool   `json:"selfDeclaredMadeForKids"`
	} `json:"status"`
}

// startSession POSTs the metadata and returns the session URI from Location
// (§5.4 step 1). total is -1 when the video's size is not known yet.
func (c *Client) startSession(ctx context.Context, token string, md Metadata, contentType string, total int64) (string, error) {
	var meta uploadMetadata
	meta.Snippet.Title, meta.Snippet.Description, meta.Snippet.CategoryID = md.Title, md.Description, categoryPeople
	meta.Status.PrivacyStatus = c.cfg.Privacy
	body, err := json.Marshal(meta)
	if err != nil {
		return "", fmt.Errorf("youtube: encode metadata: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uploadURL, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("youtube: build upload request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("X-Upload-Content-Type", contentType)
	if total >= 0 {
		req.Header.Set("X-Upload-Content-Length", strconv.FormatInt(total, 10))
	}
	resp, err := c.upload.Do(req)
	if err != nil {
		return "", fmt.Errorf("youtube: start the video upload: %w", err)
	}
	defer closeBody(resp)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return "", c.apiError(resp, "start the video upload")
	}
	return sessionURI(resp.Header.Get("Location"))
}

// uploadContentType is the media's type when it is a video, else the generic
// type videos.insert also accepts (§5.4).
func uploadContentType(ct string) string {
	base, _, _ := strings.Cut(strings.ToLower(ct), ";")
	if base = strings.TrimSpace(base); strings.HasPrefix(base, "video/") {
		return base
	}
	return "application/octet-stream"
}

// sessionURI resolves Location against the real upload URL, so a relative one
// still goes through the rewrite seam.
func sessionURI(loc string) (string, error) {
	base, _ := url.Parse(uploadURL)
	u, err := base.Parse(loc)
	if loc == "" || err != nil {
		return "", &platform.Error{Platform: yt, Kind: platform.Temporary, Code: "platform_error",
			Message: "YouTube did not return a usable upload address. SalesAI will try again.", Err: err}
	}
	return u.String(), nil
}

// session is one resumable upload session's byte transfer.
type session struct {
	c           *Client
	ctx         context.Context
	auth        *auth
	uri         string
	win         *window
	contentType string
	retries     int  // interruptions since the last progress
	stalls      int  // answered chunks that moved nothing
	sentFinal   bool // the last byte went out at least once: the video may exist
}

// run sends the window's chunks until YouTube answers with the video.
func (s *session) run() (video, error) {
	for {
		piece, final := s.win.piece()
		s.sentFinal = s.sentFinal || final
		before := s.win.start
		resp, err := s.put(piece, s.win.contentRange(len(piece)))
		v, done, err := s.settle(resp, err)
		if done || err != nil {
			return v, err
		}
		if s.stalls = s.stalls + 1; s.win.start > before {
			s.stalls = 0
		}
		if s.stalls > s.c.cfg.MaxRetries {
			return video{}, protocolError("YouTube kept accepting none of the video's bytes")
		}
	}
}

// settle reacts to one PUT outcome. An interruption (no answer, or one of the
// four retryable 5xx) backs off, asks YouTube what it has (§5.4 step 3) and
// settles that answer in turn; a 401 refreshes the token once and asks too.
func (s *session) settle(resp *http.Response, err error) (video, bool, error) {
	for {
		if err == nil && resp.StatusCode == http.StatusUnauthorized && s.auth.refresh(s.ctx) {
			closeBody(resp)
			resp, err = s.query()
			continue
		}
		if err == nil && !interrupted(resp.StatusCode) {
			return s.answer(resp)
		}
		if s.ctx.Err() != nil {
			return video{}, false, fmt.Errorf("youtube: upload the video: %w", s.ctx.Err())
		}
		wait := s.c.backoff(s.retries)
		if err == nil {
			wait = retryAfter(resp, wait, s.c.cfg.Now())
			closeBody(resp)
		}
		if s.retries++; s.retries > s.c.cfg.MaxRetries {
			return video{}, false, s.gaveUp(resp, err)
		}
		if serr := sleep(s.ctx, wait); serr != nil {
			return video{}, false, fmt.Errorf("youtube: upload the video: %w", serr)
		}
		resp, err = s.query()
	}
}

// answer handles a reply that is not an interruption: 201/200 is the video,
// 308 says how far YouTube got, 404 means the session expired, anything else
// is a failure in YouTube's words.
func (s *session) answer(resp *http.Response) (video, bool, error) {
	defer closeBody(resp)
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated:
		var v video
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.ID == "" {
			return video{}, false, fmt.Errorf("youtube: the upload finished without a readable video id: %w", errOrMissing(err))
		}
		return v, true, nil
	case http.StatusPermanentRedirect: // "308 Resume Incomplete"
		return video{}, false, s.resumeFrom(resp.Header.Get("Range"))
	case http.StatusNotFound:
		return video{}, false, errSessionExpired
	}
	return video{}, false, s.c.apiError(resp, "upload the video")
}

func errOrMissing(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("no id in the answer")
}

// resumeFrom moves the window to the byte after YouTube's Range ("bytes=0-N",
// the prefix optional; none means nothing was received).
func (s *session) resumeFrom(rng string) error {
	next := int64(0)
	if rng != "" {
		_, last, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(rng), "bytes="), "-")
		n, err := strconv.ParseInt(last, 10, 64)
		if !ok || err != nil || n < 0 {
			return protocolError("YouTube reported an upload position SalesAI could not read (" + rng + ")")
		}
		next = n + 1
	}
	if next > s.win.start {
		s.retries = 0 // progress: the retry budget is per stall
	}
	return s.win.advance(next)
}

func protocolError(msg string) error {
	return &platform.Error{Platform: yt, Kind: platform.Temporary, Code: "platform_error",
		Message: msg + ". SalesAI will start the upload again."}
}

// gaveUp ends an upload YouTube kept interrupting. Once the last byte has
// gone out the video may exist, so that outcome stays a plain error the
// worker reconciles with FindPublished; before, no video can exist and the
// failure is simply Temporary.
func (s *session) gaveUp(resp *http.Response, err error) error {
	if s.sentFinal && err != nil {
		return fmt.Errorf("youtube: upload the video: gave up after %d tries: %w", s.retries-1, err)
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	e := &platform.Error{Platform: yt, Kind: platform.Temporary, Status: status, Code: "platform_error",
		Message: fmt.Sprintf("YouTube kept interrupting the video upload (%d tries). SalesAI will try again later.", s.retries-1), Err: err}
	if s.sentFinal {
		return fmt.Errorf("youtube: upload the video: %w", e)
	}
	return e
}

// query asks YouTube how many bytes it has (§5.4 step 3).
func (s *session) query() (*http.Response, error) {
	return s.put(nil, "bytes */"+s.win.totalOrStar())
}

// put sends body (nil for a status query) to the session URI.
func (s *session) put(body []byte, contentRange string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPut, s.uri, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("youtube: build chunk request: %w", err)
	}
	req.ContentLength = int64(len(body))
	if len(body) == 0 {
		req.Body = http.NoBody
	} else {
		req.Header.Set("Content-Type", s.contentType)
	}
	req.Header.Set("Authorization", "Bearer "+s.auth.token)
	req.Header.Set("Content-Range", contentRange)
	return s.c.upload.Do(req)
}

// interrupted is the statuses the protocol says to resume after (§5.4).
func interrupted(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is RetryBase doubled per retry, capped.
func (c *Client) backoff(retry int) time.Duration {
	return min(c.cfg.RetryBase<<min(retry, 16), maxBackoff)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
