# NATS JetStream as a 3-node cluster on plain EC2 instances, one per zone, each with its own encrypted EBS
# data volume that outlives the instance. Why EC2 and not ECS: see terraform/README.md ("Why NATS runs on
# EC2"). In short: JetStream wants a stable server name, a stable volume in a fixed zone and node-by-node
# restarts, which plain instances give directly.
#
# Streams are replicated by zapgate itself: ZAPGATE_STREAM_REPLICAS (3 here) is the replica count it
# creates ZG_EVENTS and ZG_OUTBOX with; a node can be lost without losing an acknowledged event.

data "aws_partition" "current" {}
data "aws_region" "current" {}

data "aws_ssm_parameter" "ami" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.architecture == "arm64" ? "arm64" : "x86_64"}"
}

data "aws_subnet" "node" {
  count = var.node_count
  id    = var.subnet_ids[count.index % length(var.subnet_ids)]
}

locals {
  zone_name   = "${var.name}.internal"
  node_names  = [for i in range(var.node_count) : "nats-${i + 1}"]
  node_fqdns  = [for n in local.node_names : "${n}.${local.zone_name}"]
  client_fqdn = "nats.${local.zone_name}"
}

# --- node identity: IAM -----------------------------------------------------------------------------------
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = "${var.name}-nats-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

# Session Manager instead of SSH (no key pair, no port 22).
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

data "aws_iam_policy_document" "node" {
  statement {
    sid       = "ReadNatsPassword"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.password_secret_arn]
  }
  statement {
    sid       = "DecryptWithProjectKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "ShipNatsLog"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.nats.arn}:*"]
  }
}

resource "aws_iam_role_policy" "node" {
  name   = "nats-node"
  role   = aws_iam_role.node.id
  policy = data.aws_iam_policy_document.node.json
}

resource "aws_iam_instance_profile" "node" {
  name_prefix = "${var.name}-nats-"
  role        = aws_iam_role.node.name
}

resource "aws_cloudwatch_log_group" "nats" {
  name              = "/${var.name}/nats"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# --- storage and instances --------------------------------------------------------------------------------
resource "aws_ebs_volume" "data" {
  #checkov:skip=CKV2_AWS_9:JetStream data is replicated 3 ways across zones and is transient (events leave ZG_EVENTS once dispatch stored them in Postgres); a snapshot of one node could not be restored consistently into a live cluster anyway
  count = var.node_count

  availability_zone = data.aws_subnet.node[count.index].availability_zone
  size              = var.volume_size_gb
  type              = "gp3"
  encrypted         = true
  kms_key_id        = var.kms_key_arn

  tags = { Name = "${var.name}-${local.node_names[count.index]}-data" }

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_instance" "node" {
  count = var.node_count

  ami                    = data.aws_ssm_parameter.ami.value
  instance_type          = var.instance_type
  subnet_id              = data.aws_subnet.node[count.index].id
  vpc_security_group_ids = [var.security_group_id]
  iam_instance_profile   = aws_iam_instance_profile.node.name
  monitoring             = true
  ebs_optimized          = true

  metadata_options {
    http_tokens                 = "required"
    http_endpoint               = "enabled"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = 20
    encrypted   = true
    kms_key_id  = var.kms_key_arn
  }

  user_data = templatefile("${path.module}/user_data.sh.tftpl", {
    server_name         = local.node_names[count.index]
    cluster_name        = var.name
    routes              = local.node_fqdns
    region              = data.aws_region.current.name
    password_secret_arn = var.password_secret_arn
    volume_id           = aws_ebs_volume.data[count.index].id
    nats_version        = var.nats_version
    nats_sha256         = var.nats_sha256
    architecture        = var.architecture
    max_file_store_gb   = floor(var.volume_size_gb * 0.9)
    log_group           = aws_cloudwatch_log_group.nats.name
  })

  tags = { Name = "${var.name}-${local.node_names[count.index]}" }

  # A new AMI or boot script must not replace all three nodes in one apply: replace them one at a time
  # (docs/operations.md, "NATS nodes"), e.g. terraform apply -replace='module.nats.aws_instance.node[0]'.
  lifecycle {
    ignore_changes = [ami, user_data]
  }
}

resource "aws_volume_attachment" "data" {
  count = var.node_count

  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data[count.index].id
  instance_id = aws_instance.node[count.index].id
}

# --- names ------------------------------------------------------------------------------------------------
resource "aws_route53_zone" "internal" {
  #checkov:skip=CKV2_AWS_38:DNSSEC signing applies to public hosted zones; this zone is private to the VPC
  #checkov:skip=CKV2_AWS_39:query logging (aws_route53_query_log) is for public zones; private zones need Route 53 Resolver query logging, which is account-wide and left to the operator
  name    = local.zone_name
  comment = "zapgate service names inside the VPC"

  vpc {
    vpc_id = var.vpc_id
  }
}

resource "aws_route53_record" "node" {
  count = var.node_count

  zone_id = aws_route53_zone.internal.zone_id
  name    = local.node_fqdns[count.index]
  type    = "A"
  ttl     = 30
  records = [aws_instance.node[count.index].private_ip]
}

# One name for clients: every node's address; the client tries each and then learns the cluster from it.
resource "aws_route53_record" "clients" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = local.client_fqdn
  type    = "A"
  ttl     = 30
  records = aws_instance.node[*].private_ip
}

resource "aws_secretsmanager_secret" "url" {
  #checkov:skip=CKV2_AWS_57:the URL embeds the NATS password, changed by the runbook's "Rotate secrets" (nodes first, one at a time, then a rolling restart of the tasks)
  name                    = "${var.name}/nats-url"
  description             = "ZAPGATE_NATS_URL of ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "url" {
  secret_id     = aws_secretsmanager_secret.url.id
  secret_string = "nats://zapgate:${urlencode(var.password)}@${local.client_fqdn}:4222"
}
