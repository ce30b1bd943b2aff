package main

import "github.com/spf13/cobra"

func (m *Main) policyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Validate, evaluate and test IAM policies offline",
	}
	cmd.AddCommand(m.policyEvalCommand())
	cmd.AddCommand(m.policyTestCommand())
	cmd.AddCommand(m.policyValidateCommand())
	return cmd
}
