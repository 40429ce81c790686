-- evaluations: a completed trial's robustness panel, external validation and subgroup metrics, keyed by
-- (trial, kind, params hash) so a repeated run records nothing new; each names its predictions document,
-- an artifact of the new kind `evaluation`.

-- AlterEnum
ALTER TYPE "artifact_kind" ADD VALUE 'evaluation';

-- CreateEnum
CREATE TYPE "evaluation_kind" AS ENUM ('robustness', 'external', 'subgroups');

-- CreateTable
CREATE TABLE "evaluations" (
    "id" UUID NOT NULL,
    "trial_id" UUID NOT NULL,
    "kind" "evaluation_kind" NOT NULL,
    "params" JSONB NOT NULL,
    "params_hash" TEXT NOT NULL,
    "dataset_id" UUID NOT NULL,
    "result" JSONB NOT NULL,
    "result_hash" TEXT NOT NULL,
    "artifact_id" UUID NOT NULL,
    "provenance" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "evaluations_artifact_id_key" ON "evaluations"("artifact_id");

-- CreateIndex
CREATE INDEX "evaluations_dataset_id_idx" ON "evaluations"("dataset_id");

-- CreateIndex
CREATE UNIQUE INDEX "evaluations_trial_id_kind_params_hash_key" ON "evaluations"("trial_id", "kind", "params_hash");

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_artifact_id_fkey" FOREIGN KEY ("artifact_id") REFERENCES "artifacts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
