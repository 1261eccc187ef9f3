terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Keep the state remote and encrypted: it holds the generated passwords and tokens. For example
  # (create the bucket first, versioned and KMS-encrypted):
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "zapgate/terraform.tfstate"
  #   region       = "us-east-1"
  #   encrypt      = true
  #   use_lockfile = true   # Terraform >= 1.10; older: dynamodb_table = "…"
  # }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge({ Project = var.name, ManagedBy = "terraform" }, var.tags)
  }
}
