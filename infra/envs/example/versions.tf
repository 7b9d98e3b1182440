# The root module decides the versions for the whole configuration: Terraform (>= 1.6 for `terraform test` and the
# `moved` blocks into modules) and the google provider (~> 7.45: the release the offline schema checks use). Each
# child module declares only the provider's source and the oldest release it needs, as reusable modules should;
# Terraform takes the intersection of all constraints.
terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.45"
    }
  }

  # Keep state in a bucket of the project for anything but a trial run:
  # backend "gcs" {
  #   bucket = "PROJECT-tfstate"
  #   prefix = "genkitx-temporal/example"
  # }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
