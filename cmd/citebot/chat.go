package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/citebot/citebot/adapters"
	"github.com/citebot/citebot/adapters/discord"
	"github.com/citebot/citebot/adapters/slack"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/opensearchstate"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/retrieval/opensearchindex/osclient"
)

// chatEnv is what serve gives every chat adapter's constructor.
type chatEnv struct {
	Bot *bot.Bot
	// Store keeps answers and votes; one for all adapters (the bbolt
	// file allows one writer).
	Store bot.Store
	// Threads, Messages and Deliveries are shared by replicas when
	// data.url is set; nil keeps them in each adapter's memory.
	Threads    bot.ThreadStore
	Messages   bot.MessageStore
	Deliveries bot.DeliveryStore
	Log        *slog.Logger
}

// newChat is one chat platform's conversation layer, answering in its
// channels by rules, within limits, with the state serve shares.
func (env chatEnv) newChat(platform string, rules bot.Rules, limits config.LimitsConfig) *bot.Chat {
	return bot.NewChat(env.Bot, bot.ChatOptions{
		Platform: platform,
		Rules:    rules,
		Store:    env.Store,
		Threads:  env.Threads,
		Limits:   chatLimits(limits),
		Logger:   env.Log,
	})
}

// slackAdapter turns the slack section into the Slack adapter.
func slackAdapter(cfg *config.Config, env chatEnv) (adapters.Adapter, error) {
	c := cfg.Slack
	chat := env.newChat(slack.Name, chatRules(c.Channels, c.OnlyListedChannels, c.DefaultMentionOnly), cfg.Limits)
	a, err := slack.New(slack.Options{
		Mode: c.Mode, BotToken: c.BotToken, AppToken: c.AppToken, SigningSecret: c.SigningSecret,
		APIURL: c.APIURL, Chat: chat, Logger: env.Log, Deliveries: env.Deliveries,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// discordAdapter turns the discord section into the Discord adapter.
func discordAdapter(cfg *config.Config, env chatEnv) (adapters.Adapter, error) {
	c := cfg.Discord
	chat := env.newChat(discord.Name, chatRules(c.Channels, c.OnlyListedChannels, c.DefaultMentionOnly), cfg.Limits)
	a, err := discord.New(discord.Options{
		Mode: c.Mode, BotToken: c.BotToken, AppID: c.AppID, PublicKey: c.PublicKey, GuildID: c.GuildID,
		APIURL: c.APIURL, MessageContent: c.MessageContent, Chat: chat, Logger: env.Log, Deliveries: env.Deliveries,
		Messages: env.Messages,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// chatLimits turns the limits section into the chat adapters' per-user
// and per-channel limits (each adapter keeps its own buckets: a Slack
// user and a Discord user are different askers).
func chatLimits(l config.LimitsConfig) bot.Limits {
	return bot.Limits{PerUser: botRate(l.PerUser), PerChannel: botRate(l.PerChannel)}
}

// botRate is one configured token bucket as a bot.Rate.
func botRate(r config.RateConfig) bot.Rate {
	return bot.Rate{PerSecond: r.Rate, Burst: r.Burst}
}

// chatRules turns a platform's channel settings into bot.Rules (Slack's
// and Discord's sections).
func chatRules(channels []config.ChannelConfig, onlyListed, defaultMentionOnly bool) bot.Rules {
	r := bot.Rules{
		Channels:   make(map[string]bot.ChannelRule, len(channels)),
		OnlyListed: onlyListed,
		Default:    bot.ChannelRule{MentionOnly: defaultMentionOnly},
	}
	for _, ch := range channels {
		rule := bot.ChannelRule{MentionOnly: defaultMentionOnly, Collections: ch.Collections}
		if ch.MentionOnly != nil {
			rule.MentionOnly = *ch.MentionOnly
		}
		r.Channels[ch.ID] = rule
	}
	return r
}

// openSharedState opens the state replicas share on OpenSearch
// (data.url), closing its client when ctx ends.
func openSharedState(ctx context.Context, raw string, oc config.OpenSearchConfig, log *slog.Logger) (*opensearchstate.Store, error) {
	loc, err := osclient.ParseLocation(raw, "data.url")
	if err != nil {
		return nil, err
	}
	c, err := newOpenSearchClient(loc, oc)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(ctx, func() { c.Close() })
	s, err := opensearchstate.Open(ctx, c, loc.Name, opensearchstate.Options{DeliveryTTL: slack.DeliveryTTL})
	if err != nil {
		return nil, err
	}
	log.Info("shared state", "url", loc.String())
	return s, nil
}

// FeedbackFile is the store's file name under data.dir.
const FeedbackFile = "feedback.db"

// openFeedbackStore opens DATA_DIR/feedback.db, creating the folder; with
// no data.dir, votes are kept in memory, and serve says so.
func openFeedbackStore(dir string, log *slog.Logger) (bot.Store, error) {
	if dir == "" {
		log.Warn("data.dir is not set: votes on chat answers are kept in memory and lost on restart")
		return bot.NewMemoryStore(), nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data.dir: %w", err)
	}
	path := filepath.Join(dir, FeedbackFile)
	s, err := bot.OpenBoltStore(path)
	if err != nil {
		return nil, err
	}
	log.Info("feedback store", "path", path)
	return s, nil
}
