-- AlterTable
ALTER TABLE "trial_attempts" ADD COLUMN     "accelerator" TEXT,
ADD COLUMN     "gpu_driver" TEXT,
ADD COLUMN     "gpu_model" TEXT,
ADD COLUMN     "pid" INTEGER;

-- AlterTable
ALTER TABLE "workers" ADD COLUMN     "accelerator" TEXT,
ADD COLUMN     "gpu_driver" TEXT,
ADD COLUMN     "gpu_model" TEXT,
ADD COLUMN     "pid" INTEGER,
ADD COLUMN     "slots" INTEGER;
