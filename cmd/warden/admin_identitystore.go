package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden/sqlstore"
)

// adminIdentityStoreCommand is `warden admin identity-store`: the ID of an
// account's identity store, which Identity Store requests name and which
// AWS lists through IAM Identity Center (sso-admin list-instances), an API
// Warden does not serve.
func (m *Main) adminIdentityStoreCommand(open func(*cobra.Command) (*sqlstore.Store, error)) *cobra.Command {
	var account string
	cmd := &cobra.Command{
		Use:   "identity-store",
		Short: "Show an account's identity store, creating it on first use",
		Long: `Shows the ID and ARN of an account's identity store (by default the one of the
installation's account). Every account has one identity store; it is created the
first time anything uses it: this command, an Identity Store request or
'warden webapp sign-in'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			if account == "" {
				ep, err := store.Endpoint(cmd.Context())
				if err != nil {
					return err
				}
				account = ep.AccountID
			}
			st, err := store.IdentityStore(cmd.Context(), account)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "identity store: %s\narn:            %s\n", st.ID, st.ARN())
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account-id", "", "account (default: the installation's account)")
	return cmd
}
