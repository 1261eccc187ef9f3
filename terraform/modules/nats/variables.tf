variable "name" {
  description = "Name prefix; also the NATS cluster name and the private zone <name>.internal"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the private hosted zone"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets; node i goes to subnet i (one node per zone with three subnets)"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the nodes"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the volumes, the log group and the URL secret"
  type        = string
}

variable "password" {
  description = "Password of the zapgate NATS user (letters and digits)"
  type        = string
  sensitive   = true
}

variable "password_secret_arn" {
  description = "Secrets Manager secret holding the password, read by the nodes at boot"
  type        = string
}

variable "node_count" {
  description = "Cluster size (3: a stream with 3 replicas survives one node)"
  type        = number
  default     = 3

  validation {
    condition     = var.node_count == 3 || var.node_count == 5
    error_message = "node_count must be 3 or 5 (JetStream needs a majority)."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the nodes (match architecture)"
  type        = string
  default     = "m6i.large"
}

variable "architecture" {
  description = "CPU architecture of instance_type: x86_64 or arm64"
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "volume_size_gb" {
  description = "Size of each node's JetStream volume, in GiB (JetStream may use 90%)"
  type        = number
  default     = 100
}

variable "nats_version" {
  description = "nats-server release installed on the nodes"
  type        = string
  default     = "2.12.15"
}

variable "nats_sha256" {
  description = "sha256 of nats-server-v<version>-linux-<amd64|arm64>.tar.gz (the release's SHA256SUMS)"
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.nats_sha256))
    error_message = "nats_sha256 must be 64 lowercase hex digits."
  }
}

variable "log_retention_days" {
  description = "Retention of the node logs, in days"
  type        = number
  default     = 365
}

variable "recovery_window_days" {
  description = "Days a deleted URL secret can still be restored"
  type        = number
  default     = 30
}
