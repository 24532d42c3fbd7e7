package sim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reading uploads back: videos.list by id, and playlistItems.list on the
// channel's uploads playlist (channels.list part=contentDetails gives its id,
// relatedPlaylists.uploads). That playlist is how a client finds its recent
// uploads: it costs 1 unit and, unlike search.list?forMine=true (100 units,
// its own daily bucket, and an index that lags), lists a video as soon as
// videos.insert returns.

// handleVideos is videos.list?id=a,b: the videos that exist and the caller may
// see (private ones only to their owner).
func (y *ytAPI) handleVideos(w http.ResponseWriter, r *http.Request) {
	u, ok := y.ytCaller(w, r, ytReadScopes)
	if !ok {
		return
	}
	q := r.URL.Query()
	if len(ytParts(q)) == 0 || q.Get("id") == "" {
		googleError(w, http.StatusBadRequest, "youtube.parameter", "missingRequiredParameter",
			"No filter selected. Expected one of: id (the simulator supports id).")
		return
	}
	ids := strings.Split(q.Get("id"), ",")
	var items []map[string]any
	for _, v := range y.visibleVideos(u) {
		if slices.Contains(ids, v.ID) {
			items = append(items, ytWithParts(v.Resource, ytParts(q)))
		}
	}
	ytList(w, "videoListResponse", items, len(items))
}

// visibleVideos are the videos u may see, newest first.
func (y *ytAPI) visibleVideos(u googleUser) []*ytVideo {
	y.mu.Lock()
	defer y.mu.Unlock()
	var out []*ytVideo
	for i := len(y.videos) - 1; i >= 0; i-- {
		if v := y.videos[i]; !v.Private || v.Owner == u.Sub {
			out = append(out, v)
		}
	}
	return out
}

// ytWithParts keeps kind, etag, id and the requested parts of a resource.
func ytWithParts(res map[string]any, parts map[string]bool) map[string]any {
	out := map[string]any{}
	for k, v := range res {
		if k == "kind" || k == "etag" || k == "id" || parts[k] {
			out[k] = v
		}
	}
	return out
}

// handlePlaylistItems is playlistItems.list?playlistId=UU…&maxResults=N
// (0–50, default 5), newest first.
func (y *ytAPI) handlePlaylistItems(w http.ResponseWriter, r *http.Request) {
	u, ok := y.ytCaller(w, r, ytReadScopes)
	if !ok {
		return
	}
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("maxResults"))
	if q.Get("maxResults") == "" {
		n, err = 5, nil
	}
	if err != nil || n < 0 || n > 50 || len(ytParts(q)) == 0 {
		googleError(w, http.StatusBadRequest, "youtube.parameter", "invalidParameter",
			"part is required and maxResults must be between 0 and 50.")
		return
	}
	channel := ""
	for _, g := range googleUsers {
		if g.ChannelID != "" && ytUploadsPlaylist(g.ChannelID) == q.Get("playlistId") {
			channel = g.ChannelID
		}
	}
	if channel == "" {
		googleError(w, http.StatusNotFound, "youtube.playlistItem", "playlistNotFound",
			"The playlist identified with the request's <code>playlistId</code> parameter cannot be found.")
		return
	}
	// pageToken/nextPageToken page through the list (playlistItems.list
	// reference); our tokens are opaque offsets.
	offset := 0
	if tok := q.Get("pageToken"); tok != "" {
		if offset, err = strconv.Atoi(strings.TrimPrefix(tok, "SIMPAGE")); err != nil || !strings.HasPrefix(tok, "SIMPAGE") || offset < 0 {
			googleError(w, http.StatusBadRequest, "youtube.parameter", "invalidPageToken", "The request specifies an invalid page token.")
			return
		}
	}
	var items []map[string]any
	seen, more := 0, false
	for _, v := range y.visibleVideos(u) {
		if v.ChannelID != channel {
			continue
		}
		switch {
		case seen < offset:
		case len(items) < n:
			items = append(items, ytPlaylistItem(v, seen, ytParts(q)))
		default:
			more = true
		}
		seen++
	}
	if !more {
		ytList(w, "playlistItemListResponse", items, n)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "youtube#playlistItemListResponse", "etag": ytETag("pl" + strconv.Itoa(offset)),
		"nextPageToken": "SIMPAGE" + strconv.Itoa(offset+n),
		"pageInfo":      map[string]int{"totalResults": seen, "resultsPerPage": n}, "items": items})
}

// ytPlaylistItem is a playlistItem resource for an uploaded video.
func ytPlaylistItem(v *ytVideo, pos int, parts map[string]bool) map[string]any {
	it := map[string]any{"kind": "youtube#playlistItem", "etag": ytETag("pl" + v.ID), "id": "sim-pli-" + v.ID}
	sn, _ := v.Resource["snippet"].(map[string]any)
	published := v.Published.UTC().Format(time.RFC3339)
	if parts["snippet"] {
		it["snippet"] = map[string]any{"publishedAt": published, "channelId": v.ChannelID,
			"title": sn["title"], "description": sn["description"], "playlistId": ytUploadsPlaylist(v.ChannelID),
			"position": pos, "resourceId": map[string]string{"kind": "youtube#video", "videoId": v.ID}}
	}
	if parts["contentDetails"] {
		it["contentDetails"] = map[string]string{"videoId": v.ID, "videoPublishedAt": published}
	}
	return it
}
