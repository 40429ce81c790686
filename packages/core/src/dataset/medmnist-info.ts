// Facts about the 12 official MedMNIST v2 2D datasets (task, class names, channels, licence), from the
// MedMNIST project's own metadata, so an importer recognises any of their files by name. MedMNIST+
// files of the same datasets carry a size suffix (breastmnist_64.npz, _128, _224) and the same labels.
import type { TaskType } from '../metrics/task.js';

export interface MedmnistInfo {
  task: TaskType;
  /** One per class (per label for multi-label), index = label value (column). */
  classNames: readonly string[];
  channels: 1 | 3;
  licence: string;
  citation: string;
  /**
   * Binary-class datasets: the label of the clinical finding, the class a screening test looks for
   * (BreastMNIST: 0, malignant; PneumoniaMNIST: 1, pneumonia). MedMNIST itself scores label 1 as positive
   * whatever it names, so on BreastMNIST its precision and recall are those of `normal, benign`.
   */
  positiveFinding?: 0 | 1;
}

const LICENCE = 'CC BY 4.0';
const CITATION = 'Yang et al., "MedMNIST v2", Scientific Data 2023';
const ORGANS = [
  'bladder',
  'femur-left',
  'femur-right',
  'heart',
  'kidney-left',
  'kidney-right',
  'liver',
  'lung-left',
  'lung-right',
  'pancreas',
  'spleen',
];
const ORGANS_SOURCE = 'Bilic et al. 2019 (LiTS abdominal CT)';

const entry = (
  task: TaskType,
  channels: 1 | 3,
  source: string,
  classNames: readonly string[],
  positiveFinding?: 0 | 1,
): MedmnistInfo => ({
  task,
  classNames,
  channels,
  licence: LICENCE,
  citation: `${CITATION}; ${source}`,
  ...(positiveFinding === undefined ? {} : { positiveFinding }),
});

/** The official 2D MedMNIST datasets by file name (without size suffix or .npz). */
export const MEDMNIST_DATASETS = {
  pathmnist: entry('multi-class', 3, 'Kather et al. 2019 (colorectal histology, NCT-CRC-HE)', [
    'adipose',
    'background',
    'debris',
    'lymphocytes',
    'mucus',
    'smooth muscle',
    'normal colon mucosa',
    'cancer-associated stroma',
    'colorectal adenocarcinoma epithelium',
  ]),
  chestmnist: entry('multi-label, binary-class', 1, 'Wang et al. 2017 (NIH ChestX-ray14)', [
    'atelectasis',
    'cardiomegaly',
    'effusion',
    'infiltration',
    'mass',
    'nodule',
    'pneumonia',
    'pneumothorax',
    'consolidation',
    'edema',
    'emphysema',
    'fibrosis',
    'pleural',
    'hernia',
  ]),
  dermamnist: entry('multi-class', 3, 'Tschandl et al. 2018 (HAM10000 dermatoscopy)', [
    'actinic keratoses and intraepithelial carcinoma',
    'basal cell carcinoma',
    'benign keratosis-like lesions',
    'dermatofibroma',
    'melanoma',
    'melanocytic nevi',
    'vascular lesions',
  ]),
  octmnist: entry('multi-class', 1, 'Kermany et al. 2018 (retinal OCT)', [
    'choroidal neovascularization',
    'diabetic macular edema',
    'drusen',
    'normal',
  ]),
  pneumoniamnist: entry(
    'binary-class',
    1,
    'Kermany et al. 2018 (paediatric chest X-ray)',
    ['normal', 'pneumonia'],
    1,
  ),
  retinamnist: entry(
    'ordinal-regression',
    3,
    'Liu et al. 2022 (DeepDRiD fundus, diabetic retinopathy grade)',
    ['0', '1', '2', '3', '4'],
  ),
  breastmnist: entry(
    'binary-class',
    1,
    'Al-Dhabyani et al. 2020 (breast ultrasound)',
    ['malignant', 'normal, benign'],
    0,
  ),
  bloodmnist: entry('multi-class', 3, 'Acevedo et al. 2020 (peripheral blood cell microscopy)', [
    'basophil',
    'eosinophil',
    'erythroblast',
    'immature granulocytes(myelocytes, metamyelocytes and promyelocytes)',
    'lymphocyte',
    'monocyte',
    'neutrophil',
    'platelet',
  ]),
  tissuemnist: entry('multi-class', 1, 'Ljosa et al. 2012 (BBBC051 kidney cortex cells)', [
    'Collecting Duct, Connecting Tubule',
    'Distal Convoluted Tubule',
    'Glomerular endothelial cells',
    'Interstitial endothelial cells',
    'Leukocytes',
    'Podocytes',
    'Proximal Tubule Segments',
    'Thick Ascending Limb',
  ]),
  organamnist: entry('multi-class', 1, `${ORGANS_SOURCE}, axial`, ORGANS),
  organcmnist: entry('multi-class', 1, `${ORGANS_SOURCE}, coronal`, ORGANS),
  organsmnist: entry('multi-class', 1, `${ORGANS_SOURCE}, sagittal`, ORGANS),
} as const satisfies Record<string, MedmnistInfo>;

export type MedmnistName = keyof typeof MEDMNIST_DATASETS;

/** Image sizes MedMNIST+ publishes besides the original 28 px. */
const SIZE_SUFFIX = /_(28|64|128|224)$/;

/**
 * The official dataset a MedMNIST file name belongs to, e.g. `breastmnist.npz`, `BreastMNIST_64.npz`
 * or a path ending in one; undefined for any other name.
 */
export function medmnistInfoFor(
  fileName: string,
): (MedmnistInfo & { name: MedmnistName; size: number | undefined }) | undefined {
  const stem = (fileName.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.npz$/, '');
  const size = SIZE_SUFFIX.exec(stem)?.[1];
  const name = stem.replace(SIZE_SUFFIX, '');
  if (!Object.hasOwn(MEDMNIST_DATASETS, name)) return undefined;
  const info: MedmnistInfo = MEDMNIST_DATASETS[name as MedmnistName];
  return { ...info, name: name as MedmnistName, size: size === undefined ? undefined : Number(size) };
}
