package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/sqlstore"
)

// The admin commands work on the data directory directly, without
// credentials: they are for operators who hold the directory, for example
// after losing the root user's keys. SQLite lets them run beside a serving
// Warden.
func (m *Main) adminCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Operate on a data directory without credentials",
	}
	var dataDir string
	cmd.PersistentFlags().StringVar(&dataDir, "data", defaultDataDir, "data directory")
	open := func(cmd *cobra.Command) (*sqlstore.Store, error) {
		if err := m.envFlags(cmd); err != nil {
			return nil, err
		}
		return openStore(cmd.Context(), dataDir, nil)
	}

	endpoint := &cobra.Command{
		Use:   "endpoint",
		Short: "Show the endpoint, account and region of the installation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			ep, err := store.Endpoint(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "endpoint: %s\naccount:  %s\nregion:   %s\n", ep.URL, ep.AccountID, ep.Region)
			return nil
		},
	}

	var newAccountID string
	createAccount := &cobra.Command{
		Use:   "create-account",
		Short: "Create another account with an access key for its root user",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			acct, err := store.CreateAccount(cmd.Context(), newAccountID)
			if err != nil {
				return err
			}
			key, err := store.CreateAccessKey(cmd.Context(), acct.ID, "")
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "account: %s\naws_access_key_id = %s\naws_secret_access_key = %s\n", acct.ID, key.ID, key.SecretAccessKey)
			return nil
		},
	}
	createAccount.Flags().StringVar(&newAccountID, "account-id", "", "12-digit account id (default: generated)")

	var keyAccount string
	var writeFiles bool
	createRootKey := &cobra.Command{
		Use:   "create-root-key",
		Short: "Issue a new access key for an account's root user",
		Long: `Issues a new access key for the root user of an account (by default the one
Warden was first started with). With --write-credentials the key replaces the root
profile in DATA/credentials. An account's root user holds at most two keys: delete a
lost one first with the aws CLI (iam delete-access-key) if both are in use.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			return m.createRootKey(cmd.Context(), store, dataDir, keyAccount, writeFiles)
		},
	}
	createRootKey.Flags().StringVar(&keyAccount, "account-id", "", "account (default: the installation's account)")
	createRootKey.Flags().BoolVar(&writeFiles, "write-credentials", false, "write the key to DATA/credentials and DATA/config")

	cmd.AddCommand(endpoint, createAccount, createRootKey)
	cmd.AddCommand(m.adminIdentityStoreCommand(open))
	return cmd
}

func (m *Main) createRootKey(ctx context.Context, store *sqlstore.Store, dataDir, account string, writeFiles bool) error {
	ep, err := store.Endpoint(ctx)
	if err != nil {
		return err
	}
	if account == "" {
		account = ep.AccountID
	}
	key, err := store.CreateAccessKey(ctx, account, "")
	if err != nil {
		if warden.ErrorCode(err) == warden.ELimitExceeded {
			return fmt.Errorf("%w; the root user of %s already has two keys", err, account)
		}
		return err
	}
	if writeFiles {
		credPath, confPath, err := writeClientFiles(dataDir, key.ID, key.SecretAccessKey, ep.Region, ep.URL)
		if err != nil {
			return err
		}
		credPath, _ = filepath.Abs(credPath)
		confPath, _ = filepath.Abs(confPath)
		fmt.Fprintf(m.Stdout, "Wrote the new root key for account %s to %s.\nUse it with:\n  %s\n", account, credPath, usageLine(credPath, confPath, ep.URL))
		return nil
	}
	fmt.Fprintf(m.Stdout, "account: %s\naws_access_key_id = %s\naws_secret_access_key = %s\n", account, key.ID, key.SecretAccessKey)
	return nil
}
