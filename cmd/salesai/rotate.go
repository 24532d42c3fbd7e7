package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/salesai/social/internal/app"
)

// runRotateKey re-seals every stored credential under the current key. Run it
// with SALESAI_SECRET_KEY set to the new key and SALESAI_SECRET_KEY_OLD to
// the previous one; it can be interrupted and run again.
func runRotateKey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("rotate-key", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if cfg.SecretKey == "" {
		return errors.New("set SALESAI_SECRET_KEY to the new key and SALESAI_SECRET_KEY_OLD to the previous one")
	}
	a, err := app.Open(ctx, cfg, newLogger(stderr), false)
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Store.Reseal(ctx, a.Vault.NeedsReseal)
	if err == nil {
		err = a.Store.ResealCanary(ctx)
	}
	fmt.Fprintf(stdout, "re-sealed %d stored credential sets under key %s\n", n, a.Vault.KeyID())
	if err != nil {
		return fmt.Errorf("%w (run rotate-key again to finish)", err)
	}
	return nil
}
