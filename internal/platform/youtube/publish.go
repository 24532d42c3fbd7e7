package youtube

import (
	"context"
	"errors"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salesai/social/internal/platform"
	"github.com/salesai/social/internal/social"
)

// Metadata limits (§5.5): the title counts characters, the description bytes.
const (
	maxTitleRunes  = 100
	maxDescBytes   = 5000
	untitled       = "Untitled video"
	categoryPeople = "22" // "People & Blogs"; a string, not a number (§5.4)
	// findPageSize and findMaxPages bound FindPublished's look back through
	// the uploads, newest first: 50 a page, up to 1,000 (a burst of uploads
	// after an interrupted one must not hide it).
	findPageSize = "50"
	findMaxPages = 20
	// findSlack widens the FindPublished window for clock skew between us and
	// YouTube.
	findSlack = time.Minute
)

// Metadata is the title and description YouTube gets for a caption.
type Metadata struct {
	Title       string
	Description string
}

// MetadataFor applies the guide's rule (the caption's first line is the title,
// the rest the description) and YouTube's (§5.5): no < or >, title at most 100
// characters and never empty, description at most 5000 bytes.
func MetadataFor(caption string) Metadata {
	caption = strings.ReplaceAll(caption, "\r\n", "\n")
	first, rest, _ := strings.Cut(caption, "\n")
	title := strings.TrimSpace(cutRunes(strings.TrimSpace(stripAngles(first)), maxTitleRunes))
	if title == "" {
		title = untitled
	}
	return Metadata{Title: title, Description: cutBytes(strings.TrimSpace(stripAngles(rest)), maxDescBytes)}
}

var angles = strings.NewReplacer("<", "", ">", "")

// stripAngles removes what YouTube refuses in titles and descriptions, and
// any invalid UTF-8 (YouTube wants valid UTF-8).
func stripAngles(s string) string {
	return angles.Replace(strings.ToValidUTF8(s, ""))
}

// cutRunes keeps the first n characters of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// cutBytes cuts s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// errSessionExpired is an upload session URI that answered 404 (§5.4 step 5).
var errSessionExpired = errors.New("youtube: upload session expired")

// Publish downloads the draft's video and uploads it with the caption as
// title and description. An expired upload session is restarted once, with
// a fresh download: the video was streamed, not kept.
func (c *Client) Publish(ctx context.Context, a platform.Account, d platform.Draft) (platform.Result, error) {
	if strings.TrimSpace(d.VideoURL) == "" {
		return platform.Result{}, &platform.Error{Platform: yt, Kind: platform.Permanent,
			Code: "youtube_video_required", Message: social.MsgYouTubeNeedsVideo}
	}
	if c.cfg.Media == nil {
		return platform.Result{}, &platform.Error{Platform: yt, Kind: platform.Permanent, Code: "platform_error",
			Message: "YouTube publishing is not set up on this server: no media fetcher is configured."}
	}
	md := MetadataFor(d.Caption)
	au := &auth{c: c, account: a, token: a.Credentials.AccessToken.Reveal()}
	v, err := c.publishOnce(ctx, au, d.VideoURL, md)
	if errors.Is(err, errSessionExpired) {
		v, err = c.publishOnce(ctx, au, d.VideoURL, md)
	}
	if errors.Is(err, errSessionExpired) {
		return platform.Result{}, &platform.Error{Platform: yt, Kind: platform.Temporary, Status: 404, Code: "platform_error",
			Message: "YouTube's upload session expired twice before the video was sent. SalesAI will try again.", Err: err}
	}
	if err != nil {
		return platform.Result{}, err
	}
	return platform.Result{PostID: v.ID, Permalink: watchURL + v.ID}, nil
}

// publishOnce downloads the video and runs one upload session.
func (c *Client) publishOnce(ctx context.Context, au *auth, videoURL string, md Metadata) (video, error) {
	m, err := c.cfg.Media.Fetch(ctx, videoURL, c.cfg.MaxVideoBytes)
	if err != nil {
		kind := platform.Permanent
		var se *social.Error
		if errors.As(err, &se) && se.Kind == social.Unavailable {
			kind = platform.Temporary // the video host's trouble may pass
		}
		return video{}, mediaError(err, kind)
	}
	defer m.Body.Close()
	return c.uploadVideo(ctx, au, md, m)
}

// mediaError keeps a fetcher's own message (it knows whether the URL is
// private, too big or gone) and otherwise says the download failed.
func mediaError(err error, kind platform.ErrorKind) error {
	var pe *platform.Error
	if errors.As(err, &pe) {
		return pe
	}
	msg := "SalesAI could not download the video from video_url. Check that the link is public and points at a video file."
	var se *social.Error
	if errors.As(err, &se) && se.Message != "" {
		msg = "SalesAI could not download the video from video_url: " + se.Message
	}
	if kind == platform.Temporary {
		msg += " SalesAI will try again."
	}
	return &platform.Error{Platform: yt, Kind: kind, Code: "media_rejected", Message: msg, Err: err}
}

// FindPublished looks in the channel's uploads playlist for a video added
// since `since` whose title is the draft's. channels.list and
// playlistItems.list cost 1 unit each, where search.list has a bucket of 100
// a day (§5.6).
func (c *Client) FindPublished(ctx context.Context, a platform.Account, d platform.Draft, since time.Time) (platform.Result, bool, error) {
	token := a.Credentials.AccessToken.Reveal()
	playlist, err := c.uploadsPlaylist(ctx, a.PlatformAccountID, token)
	if err != nil {
		return platform.Result{}, false, err
	}
	want, after := MetadataFor(d.Caption).Title, since.Add(-findSlack)
	page := ""
	// Newest first: page back until the videos are older than the attempt,
	// however many were uploaded since (a burst must not hide it).
	for range findMaxPages {
		var out struct {
			NextPageToken string `json:"nextPageToken"`
			Items         []struct {
				Snippet struct {
					Title       string    `json:"title"`
					PublishedAt time.Time `json:"publishedAt"`
					ResourceID  struct {
						VideoID string `json:"videoId"`
					} `json:"resourceId"`
				} `json:"snippet"`
			} `json:"items"`
		}
		q := url.Values{"part": {"snippet"}, "playlistId": {playlist}, "maxResults": {findPageSize}}
		if page != "" {
			q.Set("pageToken", page)
		}
		if err := c.getJSON(ctx, playlistItemsURL+"?"+q.Encode(), token, "list your channel's videos", &out); err != nil {
			return platform.Result{}, false, err
		}
		older := false
		for _, it := range out.Items {
			sn := it.Snippet
			same := sn.Title == want || html.UnescapeString(sn.Title) == want
			if id := sn.ResourceID.VideoID; id != "" && same && !sn.PublishedAt.Before(after) {
				return platform.Result{PostID: id, Permalink: watchURL + id}, true, nil
			}
			older = older || sn.PublishedAt.Before(after)
		}
		if older || out.NextPageToken == "" {
			return platform.Result{}, false, nil
		}
		page = out.NextPageToken
	}
	return platform.Result{}, false, errors.New("youtube: more uploads since the attempt than SalesAI can look through")
}

// uploadsPlaylist is the id of the channel's "uploads" playlist.
func (c *Client) uploadsPlaylist(ctx context.Context, channelID, token string) (string, error) {
	var out struct {
		Items []struct {
			ContentDetails struct {
				RelatedPlaylists struct {
					Uploads string `json:"uploads"`
				} `json:"relatedPlaylists"`
			} `json:"contentDetails"`
		} `json:"items"`
	}
	q := url.Values{"part": {"contentDetails"}, "id": {channelID}}
	if err := c.getJSON(ctx, channelsURL+"?"+q.Encode(), token, "read your YouTube channel", &out); err != nil {
		return "", err
	}
	if len(out.Items) == 0 || out.Items[0].ContentDetails.RelatedPlaylists.Uploads == "" {
		return "", &platform.Error{Platform: yt, Kind: platform.Permanent, Status: 200, Code: codeNoChannel,
			Message: "YouTube no longer finds this account's channel (" + channelID + "). Reconnect YouTube."}
	}
	return out.Items[0].ContentDetails.RelatedPlaylists.Uploads, nil
}
