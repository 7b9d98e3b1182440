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
