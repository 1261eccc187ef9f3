variable "name" {
  description = "Name prefix of the secrets (<name>/secret-key, …)"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the secrets"
  type        = string
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored"
  type        = number
  default     = 30
}

variable "partner_token" {
  description = "ZAPGATE_PARTNER_TOKEN to keep (24+ characters; e.g. a migrating partner's); generated when null"
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.partner_token == null || length(coalesce(var.partner_token, "x")) >= 24
    error_message = "partner_token must be 24 characters or more."
  }
}

variable "client_token" {
  description = "ZAPGATE_CLIENT_TOKEN to keep (24+ characters); generated when null"
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.client_token == null || length(coalesce(var.client_token, "x")) >= 24
    error_message = "client_token must be 24 characters or more."
  }
}
