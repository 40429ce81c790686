// The model types a sweep may name. Kept apart from the zod spec schema so that code bundled into
// workflows (the planner) can use them without loading zod.

/** CNN architectures the training engine builds (packages/ml ARCHITECTURES keys). */
export const CNN_ARCHITECTURE_NAMES = [
  'vgg16',
  'resnet50',
  'densenet121',
  'efficientnetb0',
  'squeezenet1_1',
] as const;
/**
 * Classical baselines, the paper's "traditional methods" row (packages/ml CLASSICAL_MODELS keys): linear
 * models trained from scratch only, with no width to scale and no dropout.
 */
export const CLASSICAL_MODEL_NAMES = ['logistic-regression', 'hog-linear-svm'] as const;
/** What a spec's `architectures` may list: every model type packages/ml builds (its MODEL_TYPES keys). */
export const ARCHITECTURE_NAMES = [...CNN_ARCHITECTURE_NAMES, ...CLASSICAL_MODEL_NAMES] as const;
export type ArchitectureName = (typeof ARCHITECTURE_NAMES)[number];
export type ClassicalModelName = (typeof CLASSICAL_MODEL_NAMES)[number];

export function isClassicalModel(name: string): name is ClassicalModelName {
  return (CLASSICAL_MODEL_NAMES as readonly string[]).includes(name);
}
