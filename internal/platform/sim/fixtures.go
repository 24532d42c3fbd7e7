package sim

import "fmt"

// The simulated world: the people who approve consent pages and what they own.
// A consent page's ?sim_user=NAME picks one (default "default"). Platform files
// read these; nothing writes them.

// fbUser is a Facebook user and the Pages they manage.
type fbUser struct {
	ID    string
	Name  string
	Pages []fbPage
}

// fbPage is a Facebook Page; IGUserID is its linked Instagram professional
// account (instagram_business_account), empty when none.
type fbPage struct {
	ID       string
	Name     string
	IGUserID string
}

var fbUsers = map[string]fbUser{
	"default": {ID: "10150000000000001", Name: "Alex Marketer", Pages: []fbPage{
		{ID: "1000000000000001", Name: "Acme Coffee", IGUserID: "17841400000000001"},
		{ID: "1000000000000002", Name: "Acme Bakery"},
	}},
	// many manages 30 Pages, so /me/accounts must be paged through.
	"many":    {ID: "10150000000000002", Name: "Agency Admin", Pages: manyPages(30)},
	"nopages": {ID: "10150000000000003", Name: "No Pages"},
}

func manyPages(n int) []fbPage {
	out := make([]fbPage, n)
	for i := range out {
		out[i] = fbPage{ID: fmt.Sprintf("20000000000%05d", i+1), Name: fmt.Sprintf("Agency Client %d", i+1)}
	}
	return out
}

// fbPageByID finds a Page of any fixture user.
func fbPageByID(id string) (fbPage, bool) {
	for _, u := range fbUsers {
		for _, p := range u.Pages {
			if p.ID == id {
				return p, true
			}
		}
	}
	return fbPage{}, false
}

// igUser is an Instagram account as Instagram Login sees it.
type igUser struct {
	UserID      string
	Username    string
	Name        string
	AccountType string // BUSINESS, MEDIA_CREATOR or PERSONAL (personal accounts cannot publish)
}

var igUsers = map[string]igUser{
	"default":  {UserID: "17841400000000001", Username: "acme.coffee", Name: "Acme Coffee", AccountType: "BUSINESS"},
	"creator":  {UserID: "17841400000000002", Username: "alex.creates", Name: "Alex Creates", AccountType: "MEDIA_CREATOR"},
	"personal": {UserID: "17841400000000009", Username: "alex.personal", Name: "Alex", AccountType: "PERSONAL"},
}

// xUser is an X account.
type xUser struct {
	ID       string
	Name     string
	Username string
}

var xUsers = map[string]xUser{
	"default": {ID: "2244994945", Name: "Acme Coffee", Username: "acmecoffee"},
	"second":  {ID: "2244994946", Name: "Acme Bakery", Username: "acmebakery"},
}

// linkedInMember is a LinkedIn member (OIDC userinfo) and the organizations
// they may post for.
type linkedInMember struct {
	Sub           string
	Name          string
	GivenName     string
	FamilyName    string
	Email         string
	Organizations []string // organization ids the member administers
}

var linkedInMembers = map[string]linkedInMember{
	"default": {Sub: "782bbtaQ", Name: "Alex Marketer", GivenName: "Alex", FamilyName: "Marketer",
		Email: "alex@acme.example", Organizations: []string{"5515715"}},
}

// googleUser is a Google account and its YouTube channel (ChannelID empty: the
// account has no channel, so uploads fail with youtubeSignupRequired).
type googleUser struct {
	Sub          string
	Email        string
	ChannelID    string
	ChannelTitle string
	CustomURL    string
}

var googleUsers = map[string]googleUser{
	"default":   {Sub: "110000000000000000001", Email: "alex@acme.example", ChannelID: "UCacmeCoffee0000000000001", ChannelTitle: "Acme Coffee TV", CustomURL: "@acmecoffeetv"},
	"nochannel": {Sub: "110000000000000000002", Email: "nochannel@acme.example"},
}
