package main

import "github.com/spf13/cobra"

func (m *Main) catalogCommand() *cobra.Command {
	return &cobra.Command{Use: "catalog", Short: "Look up services, actions, resource types and condition keys"}
}
