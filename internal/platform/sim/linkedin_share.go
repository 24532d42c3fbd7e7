package sim

// LinkedIn sharing (platforms.md §4.4, §4.6): POST/GET /v2/ugcPosts and the
// legacy Assets API image upload.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	liCommentaryMax  = 3000
	liMemberDailyMax = 150 // platforms.md §4.4: member 150/day (UTC)
	liAssetPrefix    = "urn:li:digitalmediaAsset:"
	liUploadMax      = 200 << 20
)

// liAsset is a registered Assets API upload.
type liAsset struct {
	ID, Owner, Class string
	Uploaded         bool
}

// liShare is a created UGC post.
type liShare struct {
	URN, Author string
	Actor       string // urn:li:person of the member who posted
	Text        string
	Media       []string
	Content     *ugcShareContent
	Visibility  string
	Created     time.Time
}

// ugcPost is the UGC create body (platforms.md §4.4). Unknown fields are
// accepted, as clients may send optional ones.
type ugcPost struct {
	Author          string `json:"author"`
	LifecycleState  string `json:"lifecycleState"`
	SpecificContent struct {
		ShareContent *ugcShareContent `json:"com.linkedin.ugc.ShareContent"`
	} `json:"specificContent"`
	Visibility struct {
		Member string `json:"com.linkedin.ugc.MemberNetworkVisibility"`
	} `json:"visibility"`
}

type ugcShareContent struct {
	ShareCommentary    liText     `json:"shareCommentary"`
	ShareMediaCategory string     `json:"shareMediaCategory"`
	Media              []ugcMedia `json:"media,omitempty"`
}

type liText struct {
	Text string `json:"text"`
}

type ugcMedia struct {
	Status      string  `json:"status,omitempty"`
	Description *liText `json:"description,omitempty"`
	Media       string  `json:"media,omitempty"`
	OriginalURL string  `json:"originalUrl,omitempty"`
	Title       *liText `json:"title,omitempty"`
}

// liRestli requires X-Restli-Protocol-Version: 2.0.0 (platforms.md §4.4). The
// body for its absence is not documented; it uses the standard error shape.
func liRestli(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("X-Restli-Protocol-Version") == "2.0.0" {
		return true
	}
	liError(w, http.StatusBadRequest, "X-Restli-Protocol-Version header must be 2.0.0 for this resource", 0)
	return false
}

// ugcInvalid writes LinkedIn's 422 validation message for a body path.
func ugcInvalid(w http.ResponseWriter, path, reason string) {
	liError(w, http.StatusUnprocessableEntity, fmt.Sprintf("ERROR :: %s :: %s\n", path, reason), 0)
}

// liCreateUGC serves POST /v2/ugcPosts → 201 with X-RestLi-Id.
func (s *Sim) liCreateUGC(w http.ResponseWriter, r *http.Request) {
	if !liRestli(w, r) {
		return
	}
	tok, m, ok := s.liAuth(w, r)
	if !ok {
		return
	}
	var p ugcPost
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&p); err != nil {
		liError(w, http.StatusBadRequest, "Unable to parse the request body: "+err.Error(), 0)
		return
	}
	if !strings.HasPrefix(p.Author, "urn:li:person:") && !strings.HasPrefix(p.Author, "urn:li:organization:") {
		ugcInvalid(w, "/author", fmt.Sprintf("%q is not a person or organization URN", p.Author))
		return
	}
	if !liMayAuthor(tok, m, p.Author) {
		liError(w, http.StatusForbidden, "Not enough permissions to access: ugcPosts.CREATE.NO_VERSION", 100)
		return
	}
	media, ok := s.ugcValidate(w, &p)
	if !ok {
		return
	}
	s.ugcPublish(w, p, "urn:li:person:"+m.Sub, media)
}

// ugcValidate checks the body and returns the media it references (asset
// URNs or article URLs); false after writing the error.
func (s *Sim) ugcValidate(w http.ResponseWriter, p *ugcPost) ([]string, bool) {
	sc := p.SpecificContent.ShareContent
	const base = "/specificContent/com.linkedin.ugc.ShareContent"
	switch {
	case p.LifecycleState != "PUBLISHED":
		ugcInvalid(w, "/lifecycleState", fmt.Sprintf("%q is not an allowed value; expected PUBLISHED", p.LifecycleState))
	case sc == nil:
		ugcInvalid(w, "/specificContent", "field com.linkedin.ugc.ShareContent is required but was not found")
	case p.Visibility.Member != "PUBLIC" && p.Visibility.Member != "CONNECTIONS":
		ugcInvalid(w, "/visibility/com.linkedin.ugc.MemberNetworkVisibility",
			fmt.Sprintf("%q is not an enum symbol; expected PUBLIC or CONNECTIONS", p.Visibility.Member))
	case utf8.RuneCountInString(sc.ShareCommentary.Text) > liCommentaryMax:
		ugcInvalid(w, base+"/shareCommentary/text", fmt.Sprintf("length of %d exceeds maximum allowed length of %d",
			utf8.RuneCountInString(sc.ShareCommentary.Text), liCommentaryMax))
	default:
		return s.ugcMedia(w, p.Author, sc)
	}
	return nil, false
}

// ugcMedia checks shareMediaCategory against media[]: NONE has none and a
// text, ARTICLE has originalUrl, IMAGE/VIDEO reference uploaded assets of the
// author.
func (s *Sim) ugcMedia(w http.ResponseWriter, author string, sc *ugcShareContent) ([]string, bool) {
	const base = "/specificContent/com.linkedin.ugc.ShareContent"
	var out []string
	switch sc.ShareMediaCategory {
	case "NONE":
		if len(sc.Media) > 0 || sc.ShareCommentary.Text == "" {
			ugcInvalid(w, base, "a NONE share needs shareCommentary text and no media")
			return nil, false
		}
	case "ARTICLE", "IMAGE", "VIDEO":
		if len(sc.Media) == 0 {
			ugcInvalid(w, base+"/media", "media is required for shareMediaCategory "+sc.ShareMediaCategory)
			return nil, false
		}
		for i, md := range sc.Media {
			ref, reason := s.ugcMediaRef(author, sc.ShareMediaCategory, md)
			if reason != "" {
				ugcInvalid(w, fmt.Sprintf("%s/media/%d", base, i), reason)
				return nil, false
			}
			out = append(out, ref)
		}
	default:
		ugcInvalid(w, base+"/shareMediaCategory", fmt.Sprintf("%q is not an enum symbol; expected NONE, ARTICLE, IMAGE or VIDEO", sc.ShareMediaCategory))
		return nil, false
	}
	return out, true
}

func (s *Sim) ugcMediaRef(author, category string, md ugcMedia) (ref, reason string) {
	if category == "ARTICLE" {
		u, err := url.Parse(md.OriginalURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", "originalUrl must be an absolute http(s) URL"
		}
		return md.OriginalURL, ""
	}
	id, ok := strings.CutPrefix(md.Media, liAssetPrefix)
	s.li.mu.Lock()
	a := s.li.assets[id]
	s.li.mu.Unlock()
	switch {
	case !ok || a == nil:
		return "", fmt.Sprintf("media %q is not a registered digitalmediaAsset URN", md.Media)
	case a.Owner != author:
		return "", fmt.Sprintf("asset %s is owned by %s, not the author", md.Media, a.Owner)
	case !a.Uploaded:
		return "", fmt.Sprintf("asset %s has no uploaded content", md.Media)
	}
	return md.Media, ""
}

// ugcPublish records a UGC share and answers 201 with X-RestLi-Id.
func (s *Sim) ugcPublish(w http.ResponseWriter, p ugcPost, actor string, media []string) {
	sc := p.SpecificContent.ShareContent
	sh := &liShare{Author: p.Author, Actor: actor, Text: sc.ShareCommentary.Text, Media: media, Content: sc,
		Visibility: p.Visibility.Member}
	if !s.liRecord(w, sh) {
		return
	}
	w.Header().Set("X-RestLi-Id", sh.URN)
	writeJSON(w, http.StatusCreated, map[string]string{"id": sh.URN})
}

// liRecord applies the duplicate and daily-limit rules, then records the
// share with a new URN; false after writing the refusal.
func (s *Sim) liRecord(w http.ResponseWriter, sh *liShare) bool {
	sh.Created = s.opts.Now()
	day := sh.Created.UTC().Truncate(24 * time.Hour)
	key := strings.Join(sh.Media, "\n")
	s.li.mu.Lock()
	dup, today := "", 0
	for _, old := range s.li.shares {
		if old.Author == sh.Author {
			dup = ""
			if old.Text == sh.Text && strings.Join(old.Media, "\n") == key {
				dup = old.URN
			}
		}
		if old.Actor == sh.Actor && !old.Created.Before(day) {
			today++
		}
	}
	if dup == "" && today < liMemberDailyMax {
		sh.URN = "urn:li:share:" + strconv.FormatInt(s.li.nextShare, 10)
		s.li.nextShare++
		s.li.shares = append(s.li.shares, sh)
	}
	s.li.mu.Unlock()
	switch {
	case dup != "": // platforms.md §4.6 [3p]: duplicate of the author's latest post
		liError(w, http.StatusUnprocessableEntity, "Content is a duplicate of "+dup, 0)
		return false
	case sh.URN == "":
		liError(w, http.StatusTooManyRequests, "Resource level throttle limit for calls to this resource is reached.", 0)
		return false
	}
	s.addPost(Post{Platform: "linkedin", AccountID: sh.Author, ID: sh.URN, Text: sh.Text, Media: sh.Media, Published: true})
	return true
}

// liFindUGC serves GET /v2/ugcPosts?q=authors&authors=List(urn…), the UGC
// Post API's "retrieve by authors" finder (learn.microsoft.com
// …/compliance/integrations/shares/ugc-post-api, the guide's posting doc),
// newest first with start/count paging.
func (s *Sim) liFindUGC(w http.ResponseWriter, r *http.Request) {
	if !liRestli(w, r) {
		return
	}
	tok, m, ok := s.liAuth(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	authors, ok := restliList(q.Get("authors"))
	if q.Get("q") != "authors" || !ok {
		liError(w, http.StatusBadRequest, "Invalid finder: expected q=authors&authors=List(...)", 0)
		return
	}
	for _, a := range authors {
		if !liMayAuthor(tok, m, a) {
			liError(w, http.StatusForbidden, "Not enough permissions to access: ugcPosts.FINDER-authors.NO_VERSION", 100)
			return
		}
	}
	start, _ := strconv.Atoi(q.Get("start"))
	count, err := strconv.Atoi(q.Get("count"))
	if err != nil || count <= 0 || count > 100 {
		count = 10
	}
	matches := s.liSharesBy(authors)
	elements := []map[string]any{}
	for i := max(start, 0); i < len(matches) && len(elements) < count; i++ {
		elements = append(elements, matches[i].ugcJSON())
	}
	writeJSON(w, http.StatusOK, map[string]any{"elements": elements,
		"paging": map[string]any{"start": start, "count": count, "total": len(matches), "links": []any{}}})
}

// restliList parses Rest.li 2.0 "List(a,b)"; elements may still be
// percent-encoded.
func restliList(v string) ([]string, bool) {
	inner, ok := strings.CutPrefix(v, "List(")
	if inner, ok = strings.CutSuffix(inner, ")"); !ok || inner == "" {
		return nil, false
	}
	var out []string
	for _, e := range strings.Split(inner, ",") {
		if d, err := url.PathUnescape(e); err == nil {
			e = d
		}
		out = append(out, e)
	}
	return out, true
}

func (s *Sim) liSharesBy(authors []string) []*liShare {
	s.li.mu.Lock()
	defer s.li.mu.Unlock()
	var out []*liShare
	for i := len(s.li.shares) - 1; i >= 0; i-- {
		for _, a := range authors {
			if s.li.shares[i].Author == a {
				out = append(out, s.li.shares[i])
			}
		}
	}
	return out
}

func (sh *liShare) ugcJSON() map[string]any {
	ms := sh.Created.UnixMilli()
	stamp := map[string]any{"actor": sh.Actor, "time": ms}
	return map[string]any{
		"id": sh.URN, "author": sh.Author, "lifecycleState": "PUBLISHED",
		"specificContent": map[string]any{"com.linkedin.ugc.ShareContent": sh.Content},
		"visibility":      map[string]string{"com.linkedin.ugc.MemberNetworkVisibility": sh.Visibility},
		"created":         stamp, "lastModified": stamp, "firstPublishedAt": ms,
	}
}

// registerUploadBody is the Assets API registerUpload request.
type registerUploadBody struct {
	RegisterUploadRequest struct {
		Recipes []string `json:"recipes"`
		Owner   string   `json:"owner"`
	} `json:"registerUploadRequest"`
}

// liRegisterUpload serves POST /v2/assets?action=registerUpload (platforms.md
// §4.4 step 1). The upload URL is on api.linkedin.com, so the endpoint
// rewrite brings the upload back to the simulator.
func (s *Sim) liRegisterUpload(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("action") != "registerUpload" {
		liError(w, http.StatusBadRequest, "Unsupported action; expected action=registerUpload", 0)
		return
	}
	tok, m, ok := s.liAuth(w, r)
	if !ok {
		return
	}
	var b registerUploadBody
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&b); err != nil {
		liError(w, http.StatusBadRequest, "Unable to parse the request body: "+err.Error(), 0)
		return
	}
	req := b.RegisterUploadRequest
	class := map[string]string{
		"urn:li:digitalmediaRecipe:feedshare-image": "feedshare-uploadedImage",
		"urn:li:digitalmediaRecipe:feedshare-video": "feedshare-uploadedVideo",
	}[strings.Join(req.Recipes, ",")]
	if class == "" {
		ugcInvalid(w, "/registerUploadRequest/recipes", "expected one of feedshare-image or feedshare-video")
		return
	}
	if !liMayAuthor(tok, m, req.Owner) {
		liError(w, http.StatusForbidden, "Not enough permissions to access: assets.ACTION-registerUpload.NO_VERSION", 100)
		return
	}
	a := &liAsset{ID: "C5522AQ" + strings.ToUpper(newID("")[:12]), Owner: req.Owner, Class: class}
	s.li.mu.Lock()
	s.li.assets[a.ID] = a
	s.li.mu.Unlock()
	upload := fmt.Sprintf("https://api.linkedin.com/mediaUpload/%s/%s/0?ca=vector_feedshare&cn=uploads&m=%s&app=1953784&sync=0&v=beta&ut=%s",
		a.ID, class, newID("AQ")[:20], newID("")[:14])
	writeJSON(w, http.StatusOK, map[string]any{"value": map[string]any{
		"uploadMechanism": map[string]any{"com.linkedin.digitalmedia.uploading.MediaUploadHttpRequest": map[string]any{
			"headers": map[string]string{}, "uploadUrl": upload,
		}},
		"mediaArtifact": fmt.Sprintf("urn:li:digitalmediaMediaArtifact:(%s%s,urn:li:digitalmediaMediaArtifactClass:%s)", liAssetPrefix, a.ID, class),
		"asset":         liAssetPrefix + a.ID,
	}})
}

// liUpload takes the bytes of a registered asset by PUT or POST (platforms.md
// §4.4 step 2: the text says POST, the sample PUTs) and answers 201.
func (s *Sim) liUpload(w http.ResponseWriter, r *http.Request) {
	tok, m, ok := s.liAuth(w, r)
	if !ok {
		return
	}
	s.li.mu.Lock()
	a := s.li.assets[r.PathValue("asset")]
	s.li.mu.Unlock()
	if a == nil || a.Class != r.PathValue("artifact") {
		liError(w, http.StatusNotFound, "No upload registered at this URL", 0)
		return
	}
	if !liMayAuthor(tok, m, a.Owner) {
		liError(w, http.StatusForbidden, "Not enough permissions to upload to this asset", 100)
		return
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r.Body, liUploadMax+1))
	if err != nil || n == 0 || n > liUploadMax {
		liError(w, http.StatusBadRequest, "The upload body must hold the media bytes", 0)
		return
	}
	s.li.mu.Lock()
	a.Uploaded = true
	s.li.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}
