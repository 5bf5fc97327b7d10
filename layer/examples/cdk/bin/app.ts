// A function with the lambda-redact layer attached; its logs reach a Firehose delivery stream
// redacted, and from there an S3 bucket encrypted with a customer-managed KMS key. The
// function's role can do exactly firehose:PutRecordBatch on that one stream: no CloudWatch Logs
// permissions, so the raw logs never reach CloudWatch (the Telemetry API still delivers them to
// the extension).
import { App, CfnOutput, CfnResource, Stack, StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose";
import { Construct } from "constructs";

class RedactedLogsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const layerZip: string = this.node.tryGetContext("layerZip");
    const architecture =
      this.node.tryGetContext("architecture") === "arm64" ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;

    const key = new kms.Key(this, "LogKey", {
      description: "Encrypts redacted logs in Firehose and S3",
      enableKeyRotation: true,
    });

    const accessLogs = new s3.Bucket(this, "AccessLogBucket", {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
    });
    skipChecks(accessLogs, [
      ["CKV_AWS_18", "This bucket receives the log bucket's access logs; logging it would recurse."],
    ]);
    const bucket = new s3.Bucket(this, "LogBucket", {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "redacted-logs/",
    });

    const deliveryRole = new iam.Role(this, "DeliveryRole", {
      assumedBy: new iam.ServicePrincipal("firehose.amazonaws.com", {
        conditions: { StringEquals: { "sts:ExternalId": this.account } },
      }),
    });
    bucket.grantWrite(deliveryRole);
    key.grant(deliveryRole, "kms:Decrypt", "kms:GenerateDataKey");

    const stream = new firehose.CfnDeliveryStream(this, "DeliveryStream", {
      deliveryStreamType: "DirectPut",
      deliveryStreamEncryptionConfigurationInput: { keyType: "CUSTOMER_MANAGED_CMK", keyArn: key.keyArn },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: deliveryRole.roleArn,
        prefix: "redacted/",
        errorOutputPrefix: "errors/",
        compressionFormat: "GZIP",
        bufferingHints: { intervalInSeconds: 60, sizeInMBs: 5 },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: key.keyArn } },
      },
    });

    const layer = new lambda.LayerVersion(this, "RedactLayer", {
      code: lambda.Code.fromAsset(layerZip),
      compatibleArchitectures: [architecture],
      description: "lambda-redact extension",
    });

    // Exactly one permission; no logs:* so that the raw logs stay out of CloudWatch Logs.
    const functionRole = new iam.Role(this, "FunctionRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    });
    functionRole.addToPolicy(
      new iam.PolicyStatement({ actions: ["firehose:PutRecordBatch"], resources: [stream.attrArn] }),
    );

    const fn = new lambda.Function(this, "OrdersFunction", {
      runtime: lambda.Runtime.PYTHON_3_12,
      architecture,
      handler: "index.handler",
      memorySize: 256,
      reservedConcurrentExecutions: 10,
      role: functionRole,
      layers: [layer],
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        LAMBDA_REDACT_SINK: "firehose",
        LAMBDA_REDACT_FIREHOSE_STREAM: stream.ref,
      },
      code: lambda.Code.fromInline(
        [
          "import logging",
          "logger = logging.getLogger()",
          "logger.setLevel(logging.INFO)",
          "def handler(event, context):",
          '    logger.info("charging %s for %s", event.get("card"), event.get("email"))',
          '    return {"ok": True}',
        ].join("\n"),
      ),
    });

    skipChecks(fn, [
      ["CKV_AWS_116", "An example function invoked synchronously; a DLQ is the caller's choice."],
      ["CKV_AWS_117", "The example needs no VPC; attaching one does not change the extension."],
      [
        "CKV_AWS_173",
        "The variables hold a stream name, no secret; a customer key would need kms:Decrypt in a role that may only PutRecordBatch.",
      ],
    ]);

    new CfnOutput(this, "DeliveryStreamName", { value: stream.ref });
    new CfnOutput(this, "LogBucketName", { value: bucket.bucketName });
  }
}

/** Records, in the synthesized template, why a checkov check does not apply to a resource. */
function skipChecks(construct: Construct, checks: [string, string][]): void {
  const resource = construct.node.defaultChild as CfnResource;
  resource.addMetadata("checkov", { skip: checks.map(([id, comment]) => ({ id, comment })) });
}

const app = new App();
new RedactedLogsStack(app, "LambdaRedactExample");
