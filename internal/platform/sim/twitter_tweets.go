package sim

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// POST /2/tweets, DELETE /2/tweets/{id} and GET /2/users/{id}/tweets
// (platforms.md §3.2, §3.7).

// xCreateTweet is the part of CreatePostsRequest the simulator reads.
type xCreateTweet struct {
	Text  string `json:"text"`
	Media *struct {
		MediaIDs []string `json:"media_ids"`
	} `json:"media"`
}

// xDuplicate is the observed 403 detail for a repeated text (§3.7).
const xDuplicate = "You are not allowed to create a Tweet with duplicate content."

var xMediaID = regexp.MustCompile(`^[0-9]{1,19}$`)

func (x *xAPI) handleCreateTweet(w http.ResponseWriter, r *http.Request) {
	c, ok := x.authenticate(w, r, "tweets")
	if !ok || !x.allow(w, c.User.ID, "tweets") {
		return
	}
	if !c.may("tweet.write") {
		xForbidden(w, "Missing the tweet.write scope.")
		return
	}
	var req xCreateTweet
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		xInvalid(w, "The request body is not valid JSON.")
		return
	}
	var mediaIDs []string
	if req.Media != nil {
		mediaIDs = req.Media.MediaIDs
	}
	if !x.validTweet(w, c.User.ID, req.Text, mediaIDs) {
		return
	}
	id := x.nextID()
	x.s.addPost(Post{Platform: "twitter", AccountID: c.User.ID, ID: id, Text: req.Text, Media: mediaIDs, Published: true})
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]any{
		"id": id, "text": req.Text, "edit_history_post_ids": []string{id}}})
}

// validTweet applies X's rules to a new post, answering when one fails.
func (x *xAPI) validTweet(w http.ResponseWriter, userID, text string, mediaIDs []string) bool {
	switch {
	case text == "" && len(mediaIDs) == 0:
		xInvalid(w, "One or more parameters to your request was invalid: text or media is required.")
	case len(mediaIDs) > 4 || (mediaIDs != nil && len(mediaIDs) == 0):
		xInvalid(w, "One or more parameters to your request was invalid: $.media.media_ids: size must be between 1 and 4.")
	case XWeightedLength(text) > xMaxWeighted:
		xForbidden(w, "You are not permitted to perform this action. Your Tweet text is too long.")
	case !x.ownsReadyMedia(userID, mediaIDs):
		xInvalid(w, "Your media IDs are invalid.")
	case text != "" && x.lastTweetText(userID) == text:
		xForbidden(w, xDuplicate)
	default:
		return true
	}
	return false
}

// ownsReadyMedia reports whether every id is media userID uploaded and that
// has finished processing.
func (x *xAPI) ownsReadyMedia(userID string, ids []string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		m := x.media[id]
		if !xMediaID.MatchString(id) || m == nil || m.Owner != userID || m.State != "succeeded" {
			return false
		}
	}
	return true
}

// lastTweetText is the text of userID's most recent live tweet ("" if none).
func (x *xAPI) lastTweetText(userID string) string {
	posts := x.s.Posts("twitter")
	for i := len(posts) - 1; i >= 0; i-- {
		if p := posts[i]; p.AccountID == userID && !p.Deleted {
			return p.Text
		}
	}
	return ""
}

func (x *xAPI) handleDeleteTweet(w http.ResponseWriter, r *http.Request) {
	c, ok := x.authenticate(w, r, "tweets")
	if !ok || !x.allow(w, c.User.ID, "tweets") {
		return
	}
	if !c.may("tweet.write") {
		xForbidden(w, "Missing the tweet.write scope.")
		return
	}
	id, owner := r.PathValue("id"), ""
	found := x.s.updatePost("twitter", id, func(p *Post) {
		if owner = p.AccountID; owner == c.User.ID {
			p.Deleted = true
		}
	})
	switch {
	case !found:
		xProblem(w, http.StatusNotFound, "Not Found Error", "Could not find post with id: ["+id+"].",
			"https://api.x.com/2/problems/resource-not-found")
	case owner != c.User.ID:
		xForbidden(w, "You are not authorized to delete this Post.")
	default:
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]bool{"deleted": true}})
	}
}

// handleUserTweets lists a user's recent posts, newest first, so a client can
// find a post it may already have made. max_results is 5–100 (default 10).
func (x *xAPI) handleUserTweets(w http.ResponseWriter, r *http.Request) {
	c, ok := x.authenticate(w, r, "users/tweets")
	if !ok || !x.allow(w, c.User.ID, "users/tweets") {
		return
	}
	if !c.may("tweet.read") {
		xForbidden(w, "Missing the tweet.read scope.")
		return
	}
	n := 10
	if v := r.URL.Query().Get("max_results"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 5 || n > 100 {
			xInvalid(w, "The `max_results` query parameter value ["+v+"] is not between 5 and 100")
			return
		}
	}
	// pagination_token / meta.next_token page back through the timeline
	// (GET /2/users/{id}/tweets); our tokens are opaque offsets.
	offset := 0
	if tok := r.URL.Query().Get("pagination_token"); tok != "" {
		var err error
		if offset, err = strconv.Atoi(strings.TrimPrefix(tok, "simpage")); err != nil || !strings.HasPrefix(tok, "simpage") || offset < 0 {
			xInvalid(w, "The `pagination_token` query parameter value ["+tok+"] is not valid")
			return
		}
	}
	var data []map[string]string
	posts := x.s.Posts("twitter")
	seen, more := 0, false
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		if p.AccountID != r.PathValue("id") || p.Deleted {
			continue
		}
		switch {
		case seen < offset:
		case len(data) < n:
			data = append(data, map[string]string{"id": p.ID, "text": p.Text,
				"created_at": p.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")})
		default:
			more = true
		}
		seen++
	}
	out := map[string]any{"meta": map[string]any{"result_count": len(data)}}
	if len(data) > 0 { // X leaves data out of an empty page
		out["data"] = data
		meta := map[string]any{"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[len(data)-1]["id"]}
		if more {
			meta["next_token"] = "simpage" + strconv.Itoa(offset+n)
		}
		out["meta"] = meta
	}
	writeJSON(w, http.StatusOK, out)
}

// mediaExpiresAt is a media item's expiry as X reports it (24 h after upload).
func (x *xAPI) mediaExpiresAt() time.Time { return x.s.opts.Now().Add(24 * time.Hour) }
