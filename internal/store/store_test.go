package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesai/social/internal/apptest"
	"github.com/salesai/social/internal/social"
	"github.com/salesai/social/internal/store"
	"github.com/salesai/social/internal/vault"
)

var _ store.Sealer = (*vault.Vault)(nil)

func mustUser(t *testing.T, st *store.Store, email string) *store.User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), email, "hash")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsers(t *testing.T) {
	t.Parallel()
	apptest.ForEachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustUser(t, st, "Ann@Example.com")
		if _, err := st.CreateUser(ctx, "ann@example.com", "x"); social.ErrorKind(err) != social.Conflict {
			t.Fatalf("duplicate email: got %v, want Conflict", err)
		}
		got, err := st.UserByEmail(ctx, " ANN@example.com ")
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %v, %v", got, err)
		}
		if _, err := st.UserByID(ctx, u.ID+100); !errors.Is(err, social.ErrNotFound) {
			t.Fatalf("missing user: %v", err)
		}
	})
}

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	st := apptest.MustOpenSQLite(t, func() time.Time { return now })
	ctx := context.Background()
	u := mustUser(t, st, "s@example.com")
	if _, err := st.CreateSession(ctx, "h1", "csrf", u.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	s, err := st.SessionByID(ctx, "h1")
	if err != nil || s.UserID != u.ID || s.CSRFToken != "csrf" {
		t.Fatalf("session = %+v, %v", s, err)
	}
	now = now.Add(time.Hour)
	if _, err := st.SessionByID(ctx, "h1"); !errors.Is(err, social.ErrNotFound) {
		t.Fatalf("expired session still found: %v", err)
	}
}

func TestAPIKeysScopedToOwner(t *testing.T) {
	t.Parallel()
	apptest.ForEachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := mustUser(t, st, "a@example.com"), mustUser(t, st, "b@example.com")
		k, err := st.CreateAPIKey(ctx, a.ID, "ci", "sk_abc", "hash-a")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteAPIKey(ctx, b.ID, k.ID); !errors.Is(err, social.ErrNotFound) {
			t.Fatalf("other user deleted a key: %v", err)
		}
		_, uid, err := st.UserByAPIKeyHash(ctx, "hash-a")
		if err != nil || uid != a.ID {
			t.Fatalf("key auth = %d, %v", uid, err)
		}
		if err := st.DeleteAPIKey(ctx, a.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.UserByAPIKeyHash(ctx, "hash-a"); !errors.Is(err, social.ErrNotFound) {
			t.Fatalf("deleted key still works: %v", err)
		}
	})
}

func newAccount(userID int64, token string) *social.Account {
	return &social.Account{UserID: userID, Platform: social.LinkedIn, Name: "Acme", PlatformAccountID: "urn:li:person:abc",
		Auth: social.AuthManual, Enabled: true, Status: social.StatusConnected,
		Credentials: social.Credentials{AccessToken: social.Secret(token), RefreshToken: "refresh-" + social.Secret(token)},
		Meta:        map[string]string{"k": "v"}}
}

func TestAccountsSealedAndScoped(t *testing.T) {
	t.Parallel()
	apptest.ForEachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := mustUser(t, st, "a@example.com"), mustUser(t, st, "b@example.com")
		acct := newAccount(a.ID, "tok-SECRET-123")
		if err := st.CreateAccount(ctx, acct); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateAccount(ctx, newAccount(a.ID, "x")); social.ErrorKind(err) != social.Conflict {
			t.Fatalf("same platform account twice: %v", err)
		}
		got, err := st.Account(ctx, a.ID, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Credentials.AccessToken.Reveal() != "tok-SECRET-123" || got.Meta["k"] != "v" {
			t.Fatalf("account round trip lost data: %+v", got)
		}
		if _, err := st.Account(ctx, b.ID, acct.ID); !errors.Is(err, social.ErrNotFound) {
			t.Fatalf("other user's account: %v", err)
		}
		if err := st.DeleteAccount(ctx, b.ID, acct.ID); !errors.Is(err, social.ErrNotFound) {
			t.Fatalf("other user deleted an account: %v", err)
		}
		var raw string
		if err := st.DB().QueryRowContext(ctx, `SELECT credentials FROM social_accounts WHERE id = $1`, acct.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, "SECRET") || !strings.HasPrefix(raw, "v1:") {
			t.Fatalf("credentials stored in the clear: %q", raw)
		}
		// A sealed blob moved onto another account's row does not open.
		other := newAccount(b.ID, "other")
		if err := st.CreateAccount(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, `UPDATE social_accounts SET credentials = $1 WHERE id = $2`, raw, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Account(ctx, b.ID, other.ID); err == nil {
			t.Fatal("credentials copied to another row opened")
		}
	})
}

func TestSQLiteFileHoldsNoToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), store.Config{DataDir: dir, Sealer: apptest.MustVault(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	u := mustUser(t, st, "a@example.com")
	if err := st.CreateAccount(context.Background(), newAccount(u.ID, "needle-token-4242")); err != nil {
		t.Fatal(err)
	}
	_ = st.Close() // checkpoint the WAL into the file
	for _, name := range []string{"salesai.db", "salesai.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "needle-token-4242") {
			t.Fatalf("%s contains the token in plain text", name)
		}
	}
}

func TestPostsAndTargets(t *testing.T) {
	t.Parallel()
	apptest.ForEachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := mustUser(t, st, "a@example.com"), mustUser(t, st, "b@example.com")
		acct := newAccount(a.ID, "t")
		if err := st.CreateAccount(ctx, acct); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
		var ids []int64
		for i := range 3 {
			p := &social.Post{UserID: a.ID, Caption: "hello", ImageURLs: []string{"https://x/a.jpg"}, ScheduledAt: &at,
				Targets: []social.Target{{AccountID: acct.ID, Platform: social.LinkedIn, Mode: social.ModeQueue, Status: social.TargetQueued}}}
			err := st.CreatePost(ctx, p, func(ctx context.Context, tx *sql.Tx, p *social.Post, tg *social.Target) (int64, error) {
				return int64(1000 + i), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		got, err := st.Post(ctx, a.ID, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Targets) != 1 || got.Targets[0].JobID != 1000 || !got.ScheduledAt.Equal(at) || got.ImageURLs[0] != "https://x/a.jpg" {
			t.Fatalf("post round trip: %+v", got)
		}
		if _, err := st.Post(ctx, b.ID, ids[0]); !errors.Is(err, social.ErrNotFound) {
			t.Fatalf("other user's post: %v", err)
		}
		page, next, err := st.Posts(ctx, a.ID, store.PostFilter{Limit: 2})
		if err != nil || len(page) != 2 || next == 0 || page[0].ID != ids[2] {
			t.Fatalf("first page = %d posts, next %d, %v", len(page), next, err)
		}
		page, next, err = st.Posts(ctx, a.ID, store.PostFilter{Limit: 2, Cursor: next})
		if err != nil || len(page) != 1 || next != 0 || page[0].ID != ids[0] {
			t.Fatalf("second page = %d posts, next %d, %v", len(page), next, err)
		}
		// A conditional update refuses when the target moved on.
		tg := got.Targets[0]
		tg.Status = social.TargetPublishing
		if ok, err := st.UpdateTarget(ctx, &tg, social.TargetQueued); !ok || err != nil {
			t.Fatalf("queued → publishing: %v %v", ok, err)
		}
		tg.Status = social.TargetPublished
		if ok, err := st.UpdateTarget(ctx, &tg, social.TargetQueued); ok || err != nil {
			t.Fatalf("update from a stale status wrote: %v %v", ok, err)
		}
	})
}

// Reconnecting updates the account in place and keeps a stored refresh token
// when the platform sends none.
func TestConnectAccountReconnectsInPlace(t *testing.T) {
	t.Parallel()
	apptest.ForEachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := mustUser(t, st, "a@example.com")
		first := &social.Account{UserID: u.ID, Platform: social.Twitter, Name: "@acme", PlatformAccountID: "42", Auth: social.AuthOAuth,
			Credentials: social.Credentials{AccessToken: "at1", RefreshToken: "rt1"}}
		if created, err := st.ConnectAccount(ctx, first); err != nil || !created {
			t.Fatalf("first connect: %v %v", created, err)
		}
		first.Enabled, first.Status, first.LastError = false, social.StatusNeedsReconnect, "expired"
		if err := st.SaveAccount(ctx, first); err != nil {
			t.Fatal(err)
		}
		again := &social.Account{UserID: u.ID, Platform: social.Twitter, Name: "@acme_new", PlatformAccountID: "42", Auth: social.AuthOAuth,
			Credentials: social.Credentials{AccessToken: "at2"}}
		if created, err := st.ConnectAccount(ctx, again); err != nil || created {
			t.Fatalf("reconnect: %v %v", created, err)
		}
		got, err := st.Account(ctx, u.ID, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != first.ID || got.Name != "@acme_new" || got.Credentials.AccessToken != "at2" || got.Credentials.RefreshToken != "rt1" ||
			got.Status != social.StatusConnected || got.LastError != "" || got.Enabled {
			t.Fatalf("after reconnect: %+v (want same id, new token, old refresh token, connected, still switched off)", got)
		}
	})
}

// rotate-key: credentials sealed under the old key are re-sealed under the
// new one, and a second run has nothing left to do.
func TestResealUnderNewKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldKey, newKey := make([]byte, 32), make([]byte, 32)
	newKey[0] = 1
	oldV, _ := vault.New(oldKey)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DataDir: dir, Sealer: oldV})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u := mustUser(t, st, "a@example.com")
	for _, tok := range []string{"one", "two"} {
		a := newAccount(u.ID, tok)
		a.PlatformAccountID += tok
		if err := st.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	_ = st.Close()

	rotV, _ := vault.New(newKey, oldKey)
	st, err = store.Open(ctx, store.Config{DataDir: dir, Sealer: rotV})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.Reseal(ctx, rotV.NeedsReseal); err != nil || n != 2 {
		t.Fatalf("reseal = %d, %v; want 2", n, err)
	}
	if n, err := st.Reseal(ctx, rotV.NeedsReseal); err != nil || n != 0 {
		t.Fatalf("second reseal = %d, %v; want 0", n, err)
	}
	_ = st.Close()
	onlyNew, _ := vault.New(newKey)
	st, err = store.Open(ctx, store.Config{DataDir: dir, Sealer: onlyNew})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accts, err := st.Accounts(ctx, u.ID)
	if err != nil || len(accts) != 2 || accts[0].Credentials.AccessToken != "one" {
		t.Fatalf("with only the new key: %v %v", accts, err)
	}
}

// A start with another key fails at once, clearly, instead of later.
func TestCheckKeyRefusesAnotherKey(t *testing.T) {
	t.Parallel()
	dir, ctx := t.TempDir(), context.Background()
	open := func(keys ...[]byte) *store.Store {
		v, err := vault.New(keys[0], keys[1:]...)
		if err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(ctx, store.Config{DataDir: dir, Sealer: v})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	k1, k2 := make([]byte, 32), make([]byte, 32)
	k2[0] = 9
	if err := open(k1).CheckKey(ctx); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if err := open(k1).CheckKey(ctx); err != nil {
		t.Fatalf("same key: %v", err)
	}
	if err := open(k2).CheckKey(ctx); !errors.Is(err, store.ErrWrongKey) {
		t.Fatalf("another key: %v, want ErrWrongKey", err)
	}
	rot := open(k2, k1) // rotation: new key with the old one beside it
	if err := rot.CheckKey(ctx); err != nil {
		t.Fatalf("during rotation: %v", err)
	}
	if err := rot.ResealCanary(ctx); err != nil {
		t.Fatal(err)
	}
	if err := open(k2).CheckKey(ctx); err != nil {
		t.Fatalf("new key after rotation: %v", err)
	}
}

// An account whose credentials the platform made us erase comes back on when
// the user reconnects it.
func TestReconnectAfterDeauthorizeEnables(t *testing.T) {
	t.Parallel()
	st := apptest.MustOpenSQLite(t, nil)
	ctx := context.Background()
	u := mustUser(t, st, "a@example.com")
	a := &social.Account{UserID: u.ID, Platform: social.Instagram, Name: "ig", PlatformAccountID: "1784", Auth: social.AuthOAuth,
		Credentials: social.Credentials{AccessToken: "t"}}
	if _, err := st.ConnectAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Enabled, a.Status, a.Credentials = false, social.StatusNeedsReconnect, social.Credentials{}
	if err := st.SaveAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	again := &social.Account{UserID: u.ID, Platform: social.Instagram, Name: "ig", PlatformAccountID: "1784", Auth: social.AuthOAuth,
		Credentials: social.Credentials{AccessToken: "t2"}}
	if _, err := st.ConnectAccount(ctx, again); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Account(ctx, u.ID, a.ID)
	if !got.Enabled || !got.Usable() {
		t.Fatalf("after reconnect: %+v", got)
	}
}

// A post-status filter fills whole pages and pages on correctly.
func TestPostsFilteredByPostStatusFillPages(t *testing.T) {
	t.Parallel()
	st := apptest.MustOpenSQLite(t, nil)
	ctx := context.Background()
	u := mustUser(t, st, "a@example.com")
	acct := newAccount(u.ID, "t")
	if err := st.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	var failedIDs []int64
	for i := range 9 {
		status := social.TargetPublished
		if i%3 == 0 {
			status = social.TargetFailed
		}
		p := &social.Post{UserID: u.ID, Caption: "p", Targets: []social.Target{{AccountID: acct.ID, Platform: social.LinkedIn, Mode: social.ModeNow, Status: status}}}
		if err := st.CreatePost(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
		if status == social.TargetFailed {
			failedIDs = append(failedIDs, p.ID)
		}
	}
	page, next, err := st.Posts(ctx, u.ID, store.PostFilter{Status: "failed", Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID != failedIDs[2] || page[1].ID != failedIDs[1] || next == 0 {
		t.Fatalf("first page: %d posts, next %d, %v", len(page), next, err)
	}
	page, next, err = st.Posts(ctx, u.ID, store.PostFilter{Status: "failed", Limit: 2, Cursor: next})
	if err != nil || len(page) != 1 || page[0].ID != failedIDs[0] || next != 0 {
		t.Fatalf("second page: %d posts, next %d, %v", len(page), next, err)
	}
}
