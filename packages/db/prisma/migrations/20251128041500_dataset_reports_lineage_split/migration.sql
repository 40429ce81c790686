-- AlterTable
ALTER TABLE "datasets" ADD COLUMN     "leaky" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "previews" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "report" JSONB,
ADD COLUMN     "split_assignment_hash" TEXT;

-- AlterTable
ALTER TABLE "lineage" ADD COLUMN     "leakage_acknowledgement" TEXT,
ADD COLUMN     "split_assignment_hash" TEXT;
