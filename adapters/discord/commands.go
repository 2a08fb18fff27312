package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/citebot/citebot/bot"
)

// Slash command and option names: the contract with Discord users.
const (
	CommandAsk     = "ask"
	CommandQuote   = "quote"
	CommandSources = "sources"
	CommandHelp    = "help"

	OptionQuestion = "question"
	OptionPrivate  = "private"
	OptionText     = "text"
)

// MaxQuestionLength is the longest question the /ask option accepts
// (Discord counts characters); the bot rejects longer ones in bytes
// anyway (api.max_question_bytes).
const MaxQuestionLength = 1000

// MaxQuoteLength is the longest text /quote accepts.
const MaxQuoteLength = 2000

// Commands are citebot's slash commands, as registered with a bulk
// overwrite (which also removes commands citebot no longer has). Global
// commands (global true) are also offered in direct messages with the
// bot; guild commands exist only in their guild.
func Commands(global bool) []*discordgo.ApplicationCommand {
	private := &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionBoolean, Name: OptionPrivate,
		Description: "Only you see the answer (default: everyone in the channel)",
	}
	cmds := []*discordgo.ApplicationCommand{
		{
			Type: discordgo.ChatApplicationCommand, Name: CommandAsk,
			Description: "Ask about the newsroom's documents; answered with verbatim quotes and their sources",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionString, Name: OptionQuestion, Required: true,
					Description: "Your question, e.g. " + bot.GenericExamples.Question, MaxLength: MaxQuestionLength,
				},
				private,
			},
		},
		{
			Type: discordgo.ChatApplicationCommand, Name: CommandQuote,
			Description: "Check a quote against the documents: word for word, worded differently, or not found",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type: discordgo.ApplicationCommandOptionString, Name: OptionText, Required: true,
					Description: "The words to look for", MaxLength: MaxQuoteLength,
				},
				{
					Type: discordgo.ApplicationCommandOptionBoolean, Name: OptionWho,
					Description: "Say who the documents say said it",
				},
				private,
			},
		},
		{
			Type: discordgo.ChatApplicationCommand, Name: CommandSources,
			Description: "List the documents citebot answers from", Options: []*discordgo.ApplicationCommandOption{},
		},
		{
			Type: discordgo.ChatApplicationCommand, Name: CommandHelp,
			Description: "How to ask citebot", Options: []*discordgo.ApplicationCommandOption{},
		},
	}
	if global {
		contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
		installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
		for _, c := range cmds {
			c.Contexts, c.IntegrationTypes = &contexts, &installs
		}
	}
	return cmds
}
