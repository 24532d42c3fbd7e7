package main

import (
	"io"
	"testing"
)

func TestFlagsOverrideEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SALESAI_ADDR": ":7000", "SALESAI_DATA_DIR": "/env"}
	cfg, err := loadConfig("serve", []string{"--sandbox", "--addr", "127.0.0.1:9", "--data-dir", "/flag"},
		func(k string) string { return env[k] }, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Sandbox || cfg.Addr != "127.0.0.1:9" || cfg.DataDir != "/flag" || cfg.PublicURL.String() != "http://localhost:9" {
		t.Fatalf("flags ignored: sandbox=%v addr=%q data=%q", cfg.Sandbox, cfg.Addr, cfg.DataDir)
	}
	cfg, err = loadConfig("serve", nil, func(k string) string { return env[k] }, io.Discard, nil)
	if err != nil || cfg.Sandbox || cfg.Addr != ":7000" || cfg.DataDir != "/env" {
		t.Fatalf("environment ignored: %+v %v", cfg, err)
	}
	if _, err := loadConfig("serve", []string{"stray"}, func(string) string { return "" }, io.Discard, nil); err == nil {
		t.Fatal("a stray argument was accepted")
	}
	if _, err := loadConfig("serve", []string{"-h"}, func(string) string { return "" }, io.Discard, nil); err != errHelp {
		t.Fatalf("-h: %v", err)
	}
}
