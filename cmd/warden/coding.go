package main

import (
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
)

// The medical coding commands of `warden health`: the Connect Health
// medical coding preview (StartMedicalCodingJob, GetMedicalCodingJob) and
// the console's GenerateMedicalCodes, which no aws CLI release has. They
// send the requests Warden's model of the API describes
// (codingapi/model/warden-medicalcoding.json), signed as the aws CLI signs.

// addCodingCommands adds the medical coding commands to `warden health`.
func (m *Main) addCodingCommands(health *cobra.Command) {
	health.AddCommand(m.startCodingCommand("start-medical-coding-job", "StartMedicalCodingJob", "medical-coding-job",
		"Start a medical coding job (preview) on a clinical note"))
	health.AddCommand(m.startCodingCommand("generate-medical-codes", "GenerateMedicalCodes", "generate-medical-codes",
		"Start a medical coding job as the console does (health-agent:GenerateMedicalCodes)"))
	health.AddCommand(m.getCodingCommand())
}

// codingStartFlags are the members of a medical coding job request.
type codingStartFlags struct {
	client                                     clientFlags
	domainID, text, datasetID, clientToken     string
	encounterContext, patientContext, s3Output string
}

func (m *Main) startCodingCommand(use, operation, pathSuffix, short string) *cobra.Command {
	var o codingStartFlags
	cmd := &cobra.Command{
		Use:   use + " --domain-id DOMAIN --text TEXT|file://PATH --output-data-config s3OutputPath=s3://BUCKET/PREFIX",
		Short: short,
		Long: short + `.

--encounter-context and --patient-context take JSON or the aws CLI's shorthand
(encounterDate=2026-01-15,encounterType=IN_PERSON,encounterDurationMinutes=20);
any value may be file://PATH to read it from a file. Without --client-token a
random token is sent, as the AWS SDKs do, so a retried request starts one job.
The job runs as the domain's role and writes
{s3OutputPath}/{jobId}/medical-codes.json; Warden runs no coding model and the
file says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.domainID == "" || o.text == "" || o.s3Output == "" {
				return usagef("--domain-id, --text and --output-data-config are required")
			}
			body := map[string]any{}
			var err error
			if body["text"], err = fileValue(o.text); err != nil {
				return err
			}
			if body["outputDataConfig"], err = structureValue("--output-data-config", o.s3Output); err != nil {
				return err
			}
			if o.encounterContext != "" {
				if body["encounterContext"], err = structureValue("--encounter-context", o.encounterContext); err != nil {
					return err
				}
			}
			if o.patientContext != "" {
				if body["patientContext"], err = structureValue("--patient-context", o.patientContext); err != nil {
					return err
				}
			}
			if o.datasetID != "" {
				body["datasetId"] = o.datasetID
			}
			body["clientToken"] = o.clientToken
			if o.clientToken == "" {
				body["clientToken"] = warden.NewJobID()
			}
			c, err := m.newRestClient(o.client, warden.HealthNamespace)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.do(cmd.Context(), restRequest{operation: operation, method: "POST",
				path: "/domain/" + url.PathEscape(o.domainID) + "/" + pathSuffix, body: body}, &out); err != nil {
				return err
			}
			return printJSON(m.Stdout, out)
		},
	}
	f := cmd.Flags()
	o.client.register(f)
	f.StringVar(&o.domainID, "domain-id", "", "the domain the job belongs to")
	f.StringVar(&o.text, "text", "", "the clinical note, or file://PATH")
	f.StringVar(&o.s3Output, "output-data-config", "", "where to write the output: s3OutputPath=s3://BUCKET/PREFIX, or JSON")
	f.StringVar(&o.encounterContext, "encounter-context", "", "afterHours, encounterDate, encounterDurationMinutes, encounterReason, encounterType")
	f.StringVar(&o.patientContext, "patient-context", "", "dateOfBirth, insurance, sex, status")
	f.StringVar(&o.datasetID, "dataset-id", "", "an ACTIVE medical coding dataset of the domain")
	f.StringVar(&o.clientToken, "client-token", "", "idempotency token (default: a random one)")
	return cmd
}

func (m *Main) getCodingCommand() *cobra.Command {
	var client clientFlags
	var domainID, jobID string
	cmd := &cobra.Command{
		Use:   "get-medical-coding-job --domain-id DOMAIN --job-id JOB",
		Short: "Describe a medical coding job (preview)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if domainID == "" || jobID == "" {
				return usagef("--domain-id and --job-id are required")
			}
			c, err := m.newRestClient(client, warden.HealthNamespace)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.do(cmd.Context(), restRequest{operation: "GetMedicalCodingJob", method: "GET",
				path: "/domain/" + url.PathEscape(domainID) + "/medical-coding-job/" + url.PathEscape(jobID)}, &out); err != nil {
				return err
			}
			return printJSON(m.Stdout, out)
		},
	}
	f := cmd.Flags()
	client.register(f)
	f.StringVar(&domainID, "domain-id", "", "the job's domain")
	f.StringVar(&jobID, "job-id", "", "the job")
	return cmd
}

// fileValue is a parameter's value, read from PATH when it is
// file://PATH, as the aws CLI reads it.
func fileValue(v string) (string, error) {
	path, ok := strings.CutPrefix(v, "file://")
	if !ok {
		return v, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// codingNumbers and codingBooleans are the members the shorthand syntax
// sends as JSON numbers and booleans; every other member is a string.
var (
	codingNumbers  = map[string]bool{"encounterDurationMinutes": true}
	codingBooleans = map[string]bool{"afterHours": true}
)

// structureValue reads a structure parameter: JSON, or the aws CLI's
// shorthand KEY=VALUE,KEY=VALUE for a flat structure
// (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html).
func structureValue(flag, v string) (map[string]any, error) {
	v, err := fileValue(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if t := strings.TrimSpace(v); strings.HasPrefix(t, "{") {
		if err := json.Unmarshal([]byte(t), &out); err != nil {
			return nil, usagef("%s: invalid JSON: %v", flag, err)
		}
		return out, nil
	}
	for pair := range strings.SplitSeq(v, ",") {
		key, value, ok := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, usagef("%s: %q is not KEY=VALUE", flag, pair)
		}
		switch {
		case codingNumbers[key]:
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil {
				return nil, usagef("%s: %s must be a whole number", flag, key)
			}
			out[key] = n
		case codingBooleans[key]:
			b, err := strconv.ParseBool(strings.TrimSpace(value))
			if err != nil {
				return nil, usagef("%s: %s must be true or false", flag, key)
			}
			out[key] = b
		default:
			out[key] = value
		}
	}
	return out, nil
}
