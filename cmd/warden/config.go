package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/warden-iam/warden/stsapi"
)

// Defaults of `warden serve`.
const (
	defaultDataDir     = "./warden-data"
	defaultListen      = "127.0.0.1:4599"
	defaultAdminListen = "127.0.0.1:4600"
	defaultRegion      = "us-east-1"
)

// envFlags lets every flag of cmd also come from a WARDEN_* environment
// variable (--admin-listen ← WARDEN_ADMIN_LISTEN); a flag given on the
// command line wins.
func (m *Main) envFlags(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "WARDEN_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := m.Getenv(name); v != "" {
			if e := f.Value.Set(v); e != nil {
				err = usagef("%s=%q: %v", name, v, e)
			}
		}
	})
	return err
}

// enabledRegions checks `warden serve --regions`: region names of the aws
// partition, among them Warden's own region, which its clients are
// configured with. None means every region (nil).
func enabledRegions(home string, regions []string) ([]string, error) {
	if len(regions) == 0 {
		return nil, nil
	}
	for _, r := range regions {
		if !stsapi.IsAWSRegion(r) {
			return nil, usagef("--regions: %q is not a region of the aws partition", r)
		}
	}
	if !slices.Contains(regions, home) {
		return nil, usagef("--regions %s leaves out Warden's own region %s", strings.Join(regions, ","), home)
	}
	return regions, nil
}

// writeClientFiles writes the AWS shared credentials and config files for
// the root user's key, so the aws CLI and SDKs can use Warden at once.
func writeClientFiles(dir, keyID, secret, region, endpoint string) (credPath, confPath string, err error) {
	credPath = filepath.Join(dir, "credentials")
	confPath = filepath.Join(dir, "config")
	cred := fmt.Sprintf("[root]\naws_access_key_id = %s\naws_secret_access_key = %s\n", keyID, secret)
	conf := fmt.Sprintf("[profile root]\nregion = %s\nendpoint_url = %s\ndisable_host_prefix_injection = true\n", region, endpoint)
	if err := writeFileAtomic(credPath, []byte(cred), 0o600); err != nil {
		return "", "", err
	}
	if err := writeFileAtomic(confPath, []byte(conf), 0o600); err != nil {
		return "", "", err
	}
	return credPath, confPath, nil
}

// writeFileAtomic replaces a file so that a crash leaves the old or the new
// content, never a torn one.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// usageLine is the command that lists users with the files Warden wrote.
func usageLine(credPath, confPath, endpoint string) string {
	return fmt.Sprintf("AWS_SHARED_CREDENTIALS_FILE=%s AWS_CONFIG_FILE=%s AWS_PROFILE=root aws --endpoint-url %s iam list-users", credPath, confPath, endpoint)
}
