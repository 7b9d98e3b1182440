// The user-path matrix: the kit's Cloud Run templates in an ESM project (see user-paths-template.ts).
import { templateCells } from './user-paths-template';

templateCells('esm');
