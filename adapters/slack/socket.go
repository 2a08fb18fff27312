package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocket holds the Socket Mode connection until ctx ends. slack-go's
// client reconnects by itself on Slack's disconnect frames and lost
// pings; it returns early only for a fatal error (the app token
// rejected), which Run reports.
func (a *Adapter) runSocket(ctx context.Context) error {
	sm := socketmode.New(a.api,
		socketmode.OptionPingInterval(a.ping),
		socketmode.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			a.ready.SetConn(fmt.Errorf("socket mode stopped: %w", err))
			return fmt.Errorf("slack socket mode (check slack.app_token): %w", err)
		case evt := <-sm.Events:
			// The Events channel must be drained or the client blocks;
			// each case returns at once.
			a.socketEvent(ctx, sm, evt)
		}
	}
}

// socketEvent acknowledges an envelope first, then hands its work to
// the adapter's jobs.
func (a *Adapter) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.ready.SetConn(errors.New("connecting to Socket Mode"))
	case socketmode.EventTypeHello:
		a.ready.SetConn(nil)
		a.log.Info("connected to Slack (Socket Mode)")
	case socketmode.EventTypeConnectionError:
		err := errors.New("socket mode connection failed")
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			err = fmt.Errorf("socket mode connection failed: %w", e.ErrorObj)
		}
		a.ready.SetConn(err)
		a.log.Warn("slack socket mode connection failed; retrying", "error", err)
	case socketmode.EventTypeInvalidAuth:
		a.ready.SetConn(errors.New("slack rejected the app-level token"))
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("slack socket mode error", "event", string(evt.Type), "detail", fmt.Sprint(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		// An envelope slack-go cannot parse (an unknown inner event):
		// ack it anyway, or Slack redelivers it.
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				a.ack(ctx, sm, env.EnvelopeID, nil)
			}
			a.log.Warn("acknowledged a Socket Mode message citebot cannot read", "error", bad.Cause)
		}
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		a.ack(ctx, sm, evt.Request.EnvelopeID, nil)
		if evt.Request.RetryAttempt > 0 {
			a.log.Info("Slack redelivered an event", "retry", evt.Request.RetryAttempt, "reason", evt.Request.RetryReason)
		}
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok && a.first("envelope:"+evt.Request.EnvelopeID) {
			if ev.Type == slackevents.AppRateLimited {
				a.log.Warn("Slack is dropping this app's events: over 30,000 in an hour for one workspace")
				return
			}
			a.jobs.Dispatch("event", a.events(ev))
		}
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if evt.Request == nil || !ok {
			return
		}
		if !a.first("envelope:"+evt.Request.EnvelopeID) || (cmd.TriggerID != "" && !a.first("slash:"+cmd.TriggerID)) {
			a.ack(ctx, sm, evt.Request.EnvelopeID, nil)
			return
		}
		ack, work := a.slash(cmd)
		ackCtx, cancel := context.WithTimeout(ctx, ackTimeout)
		err := sm.AckCtx(ackCtx, evt.Request.EnvelopeID, ack)
		cancel()
		if err != nil {
			// Too big for an ack (Slack drops 20 KB and more): ack empty,
			// deliver it through response_url.
			a.ack(ctx, sm, evt.Request.EnvelopeID, nil)
			url := cmd.ResponseURL
			first := work
			work = func(ctx context.Context) {
				if err := a.send(ctx, "", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral),
					slack.MsgOptionBlocks(ack.Blocks...), slack.MsgOptionText(ack.Text, false)); err != nil {
					a.log.Error("could not deliver a slash command response", "error", err)
				}
				if first != nil {
					first(ctx)
				}
			}
		}
		a.jobs.Dispatch("slash command", work)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if evt.Request == nil || !ok {
			return
		}
		a.ack(ctx, sm, evt.Request.EnvelopeID, nil)
		if a.first("envelope:" + evt.Request.EnvelopeID) {
			a.jobs.Dispatch("interaction", a.interaction(cb))
		}
	}
}

// ackTimeout bounds queueing an ack: while the connection is down the
// client's send queue can fill, and an ack that late is moot (Slack
// redelivers), whereas blocking here would stop the Events channel from
// being drained.
const ackTimeout = 5 * time.Second

func (a *Adapter) ack(ctx context.Context, sm *socketmode.Client, envelopeID string, payload any) {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := sm.AckCtx(ctx, envelopeID, payload); err != nil {
		a.log.Warn("could not acknowledge a Socket Mode envelope", "error", err)
	}
}
