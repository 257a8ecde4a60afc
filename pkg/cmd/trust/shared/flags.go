package shared

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// RelationshipFlags are the flags that describe the relationships a command
// creates, registered once for "trust create" and "trust sync" by
// AddRelationshipFlags.
type RelationshipFlags struct {
	// Issuer is the iss of the assertions to trust.
	Issuer string
	// Subject is the sub they must carry, unless AllowAnySubject.
	Subject         string
	AllowAnySubject bool
	// Scopes are the scopes they may ask for, as given (see ScopeList).
	Scopes []string
	// ExpiresIn is --expires-in as given; "" when not.
	ExpiresIn string
}

// RelationshipUsage words the relationship flags for one command.
type RelationshipUsage struct {
	// Of names what is trusted, in "Trust %s with this sub only", such as
	// "assertions" or "the tokens".
	Of string
	// Issuer and ExpiresIn are the usage of --issuer and --expires-in.
	Issuer, ExpiresIn string
}

// AddRelationshipFlags registers --issuer, --subject, --allow-any-subject,
// --scope and --expires-in.
func AddRelationshipFlags(cmd *cobra.Command, f *RelationshipFlags, u RelationshipUsage) {
	fl := cmd.Flags()
	fl.StringVar(&f.Issuer, "issuer", "", u.Issuer)
	fl.StringVar(&f.Subject, "subject", "", fmt.Sprintf("Trust %s with this sub only", u.Of))
	fl.BoolVar(&f.AllowAnySubject, "allow-any-subject", false, fmt.Sprintf("Trust %s with any sub (dangerous with issuers that sign for many tenants)", u.Of))
	fl.StringSliceVar(&f.Scopes, "scope", nil, fmt.Sprintf("Let %s ask for these scopes (repeatable, comma-separated)", u.Of))
	fl.StringVar(&f.ExpiresIn, "expires-in", "", u.ExpiresIn)
	cmd.MarkFlagsMutuallyExclusive("subject", "allow-any-subject")
}

// CheckSubject requires --subject or --allow-any-subject. of names what
// must carry the sub, as in RelationshipUsage.
func (f *RelationshipFlags) CheckSubject(of string) error {
	if f.Subject == "" && !f.AllowAnySubject {
		return cmdutil.FlagErrorf("pass --subject (the sub %s must carry) or --allow-any-subject", of)
	}
	return nil
}

// ScopeList is --scope split at commas.
func (f *RelationshipFlags) ScopeList() []string { return cmdutil.SplitList(f.Scopes) }
