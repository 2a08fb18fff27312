package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/config/configtest"
)

func TestLimitsFromFileAndEnvironment(t *testing.T) {
	file := configFile(t, `
http:
  request_timeout: 5s
limits:
  per_user: {rate: 0.5, burst: 10}
  per_client: {rate: 0}
`)
	t.Setenv("CITEBOT_LIMITS_PER_CHANNEL_RATE", "2.5")
	t.Setenv("CITEBOT_LIMITS_PER_CHANNEL_BURST", "40")
	cfg := mustLoad(t, config.Options{File: file})
	want := config.LimitsConfig{
		PerUser:    config.RateConfig{Rate: 0.5, Burst: 10},
		PerChannel: config.RateConfig{Rate: 2.5, Burst: 40},
		PerClient:  config.RateConfig{Rate: 0, Burst: 20}, // rate 0: off; the burst default stays
	}
	if cfg.Limits != want || cfg.HTTP.RequestTimeout != 5*time.Second {
		t.Errorf("limits = %+v, request_timeout %v; want %+v, 5s", cfg.Limits, cfg.HTTP.RequestTimeout, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("valid limits rejected: %v", err)
	}
}

func TestLimitProblems(t *testing.T) {
	configtest.Isolate(t)
	cfg := mustLoad(t, config.Options{})
	cfg.HTTP.RequestTimeout = 0
	cfg.Limits.PerUser = config.RateConfig{Rate: -1, Burst: 5}
	cfg.Limits.PerChannel = config.RateConfig{Rate: 1, Burst: 0}
	cfg.Limits.PerClient = config.RateConfig{Rate: 3, Burst: config.MaxBurst + 1}
	ve := problems(t, cfg)
	got := problemMessages(ve)
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
