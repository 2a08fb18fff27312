package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLimitsFromFileAndEnvironment(t *testing.T) {
	dir := isolate(t)
	file := writeFile(t, filepath.Join(dir, "c.yaml"), `
http:
  request_timeout: 5s
limits:
  per_user: {rate: 0.5, burst: 10}
  per_client: {rate: 0}
`)
	t.Setenv("CITEBOT_LIMITS_PER_CHANNEL_RATE", "2.5")
	t.Setenv("CITEBOT_LIMITS_PER_CHANNEL_BURST", "40")
	cfg, err := Load(Options{File: file})
	if err != nil {
		t.Fatal(err)
	}
	want := LimitsConfig{
		PerUser:    RateConfig{Rate: 0.5, Burst: 10},
		PerChannel: RateConfig{Rate: 2.5, Burst: 40},
		PerClient:  RateConfig{Rate: 0, Burst: 20}, // rate 0: off; the burst default stays
	}
	if cfg.Limits != want || cfg.HTTP.RequestTimeout != 5*time.Second {
		t.Errorf("limits = %+v, request_timeout %v; want %+v, 5s", cfg.Limits, cfg.HTTP.RequestTimeout, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid limits rejected: %v", err)
	}
}

func TestLimitProblems(t *testing.T) {
	isolate(t)
	cfg, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.RequestTimeout = 0
	cfg.Limits.PerUser = RateConfig{Rate: -1, Burst: 5}
	cfg.Limits.PerChannel = RateConfig{Rate: 1, Burst: 0}
	cfg.Limits.PerClient = RateConfig{Rate: 3, Burst: MaxBurst + 1}
	err = cfg.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v; want a *ValidationError", err)
	}
	got := map[string]string{}
	for _, p := range ve.Problems {
		got[p.Key] = p.Message
	}
	for key, want := range map[string]string{
		"http.request_timeout":     "positive duration",
		"limits.per_user.rate":     "requests per second",
		"limits.per_channel.burst": "from 1 to",
		"limits.per_client.burst":  "from 1 to",
	} {
		if !strings.Contains(got[key], want) {
			t.Errorf("%s: %q; want a problem saying %q (all: %v)", key, got[key], want, ve.Problems)
		}
	}
}
