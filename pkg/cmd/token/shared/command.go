package shared

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// GrantFlags are what the commands that ask for a token with a grant
// (token client, jwt-bearer, refresh) share: the connection to Hydra's
// public API, the client's credentials and --format, registered by
// AddGrantFlags and checked by Prepare. A command embeds it in its Options.
type GrantFlags struct {
	// Conn is the connection to Hydra's public API.
	Conn cmdutil.Connection
	// Credentials authenticate the client at the token endpoint.
	Credentials Credentials
	// Format is --format, parsed.
	Format printer.Format
	// CommandPath names the command in messages.
	CommandPath string
	// QuietWins, set under Hydra v2's spellings (printer.Style.Hydra),
	// makes -q win over --format, which Prepare then does not read, as
	// Hydra v2's CLI does (cmdutil's ParseWithQuiet).
	QuietWins bool

	format cmdutil.FormatFlag
}

// AddGrantFlags registers the connection, credential and --format flags of
// a grant command. tokenURLUsage is the help of --token-url; formatDefault
// says what is printed without --format.
func AddGrantFlags(cmd *cobra.Command, f *cmdutil.Factory, g *GrantFlags, tokenURLUsage, formatDefault string) {
	cmdutil.AddConnectionFlags(cmd, &g.Conn, api.Public)
	AddCredentialFlags(cmd, f, &g.Credentials, tokenURLUsage)
	cmdutil.AddFormatFlag(cmd, &g.format, formatDefault)
}

// Prepare is the start of a grant command's RunE: it parses --format,
// checks the credentials with check (Credentials.Validate when nil), and
// records the command's path. Its errors are usage errors.
func (g *GrantFlags) Prepare(cmd *cobra.Command, check func() error) error {
	var err error
	if g.QuietWins && g.Credentials.Quiet {
		g.Format = printer.Format{}
	} else if g.Format, err = g.format.Parse(); err != nil {
		return err
	}
	if check == nil {
		check = g.Credentials.Validate
	}
	if err := check(); err != nil {
		return err
	}
	g.CommandPath = cmd.CommandPath()
	return nil
}
