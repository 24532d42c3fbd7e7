// Package media handles users' media URLs: Google Drive share links become
// direct downloads, downloads are guarded against private addresses (DESIGN
// §7) and size limits, and compose-time preflight checks that a URL is
// reachable and acceptable to each platform.
package media

import (
	stdhtml "html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/salesai/social/internal/social"
)

// driveDownload is the current direct-download form; confirm=t skips the
// virus-scan page in most cases (platforms.md §6.2 step 4).
const driveDownload = "https://drive.usercontent.google.com/download?id=%s&export=download&confirm=t"

var (
	driveID       = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	driveFilePath = regexp.MustCompile(`^(?:/a/[^/]+)?/file(?:/u/[0-9]+)?/d/([^/]+)(?:/[^/]*)?/?$`)
	driveEditor   = regexp.MustCompile(`^(?:/a/[^/]+)?/(document|spreadsheets|presentation|forms|drawings)(?:/u/[0-9]+)?/d/`)
	driveFolder   = regexp.MustCompile(`^(?:/a/[^/]+)?/(?:drive(?:/u/[0-9]+)?/(?:folders|mobile/folders)/|folderview)`)
)

// DirectURL turns a Google Drive share link of any form in platforms.md §6.1
// into the direct-download URL of the file; other URLs come back unchanged.
// Editor documents and folders are not media files and give Invalid errors.
func DirectURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !isDriveHost(u.Hostname()) {
		return raw, nil
	}
	if m := driveEditor.FindStringSubmatch(u.Path); m != nil {
		return "", social.Errorf(social.Invalid, "media_drive_document",
			"This Google Drive link is a Google %s, not an image or video file. Download it as an image or video, upload that file to Drive, share it with \"Anyone with the link\" and use its link.",
			editorName(m[1]))
	}
	if driveFolder.MatchString(u.Path) {
		return "", social.Errorf(social.Invalid, "media_drive_folder",
			"This Google Drive link is a folder. Open the image or video inside it and use that file's share link.")
	}
	id, ok := driveFileID(u)
	if !ok {
		return "", social.Errorf(social.Invalid, "media_bad_url",
			"This Google Drive link does not name a file. In Drive, choose Share > Copy link on the file and paste that link.")
	}
	return strings.Replace(driveDownload, "%s", id, 1), nil
}

// driveFileID finds the file ID: the id query parameter when it appears
// exactly once, else the /file/d/{ID}/ path (gdown's rule, §6.1).
func driveFileID(u *url.URL) (string, bool) {
	if ids := u.Query()["id"]; len(ids) == 1 {
		return ids[0], driveID.MatchString(ids[0])
	}
	if m := driveFilePath.FindStringSubmatch(u.Path); m != nil {
		return m[1], driveID.MatchString(m[1])
	}
	return "", false
}

func isDriveHost(host string) bool {
	switch strings.ToLower(strings.TrimSuffix(host, ".")) {
	case "drive.google.com", "docs.google.com", "drive.usercontent.google.com":
		return true
	}
	return false
}

func editorName(kind string) string {
	switch kind {
	case "document":
		return "Docs document"
	case "spreadsheets":
		return "Sheets spreadsheet"
	case "presentation":
		return "Slides presentation"
	case "forms":
		return "Form"
	}
	return "Drawing"
}

// The virus-scan page's shapes (platforms.md §6.3).
var (
	driveForm     = regexp.MustCompile(`(?is)<form[^>]*id="download-form"[^>]*>(.*?)</form>`)
	driveAction   = regexp.MustCompile(`(?is)<form[^>]*action="([^"]+)"`)
	driveInput    = regexp.MustCompile(`(?is)<input[^>]*>`)
	driveAttr     = regexp.MustCompile(`(?is)\b(name|value)="([^"]*)"`)
	driveHref     = regexp.MustCompile(`href="(/uc\?export=download[^"]+)"`)
	driveJSONURL  = regexp.MustCompile(`"downloadUrl":"([^"]+)"`)
	driveErrorMsg = regexp.MustCompile(`(?is)<p class="uc-error-subcaption">(.*?)</p>`)
)

// maxInterstitial bounds how much of Drive's HTML page is read.
const maxInterstitial = 512 << 10

// driveConfirmURL reads Drive's virus-scan interstitial and returns the URL
// its download form submits to, closing resp.
func driveConfirmURL(resp *http.Response) (*url.URL, error) {
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, maxInterstitial))
	if err != nil {
		return nil, &social.Error{Kind: social.Invalid, Code: "media_unreachable", Err: err,
			Message: "Google Drive stopped answering. Try again."}
	}
	html := string(page)
	if raw, ok := driveFormURL(html); ok {
		return resp.Request.URL.Parse(raw)
	}
	if m := driveHref.FindStringSubmatch(html); m != nil {
		return url.Parse("https://docs.google.com" + strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	if m := driveJSONURL.FindStringSubmatch(html); m != nil {
		raw := strings.NewReplacer(`\u003d`, "=", `\u0026`, "&").Replace(m[1])
		return url.Parse(raw)
	}
	if m := driveErrorMsg.FindStringSubmatch(html); m != nil {
		return nil, social.Errorf(social.Invalid, "media_unreachable",
			"Google Drive refused the download: %s", strings.TrimSpace(stdhtml.UnescapeString(m[1])))
	}
	return nil, driveNotShared()
}

// driveFormURL builds the GET URL of the download form: its action with the
// hidden inputs merged into the query.
func driveFormURL(html string) (string, bool) {
	form := driveForm.FindStringSubmatch(html)
	action := driveAction.FindStringSubmatch(html)
	if form == nil || action == nil {
		return "", false
	}
	u, err := url.Parse(stdhtml.UnescapeString(action[1]))
	if err != nil {
		return "", false
	}
	q := u.Query()
	for _, input := range driveInput.FindAllString(form[1], -1) {
		var name, value string
		for _, a := range driveAttr.FindAllStringSubmatch(input, -1) {
			if strings.EqualFold(a[1], "name") {
				name = stdhtml.UnescapeString(a[2])
			} else {
				value = stdhtml.UnescapeString(a[2])
			}
		}
		if name != "" {
			q.Set(name, value)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), true
}
