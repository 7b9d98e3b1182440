// The user-path matrix: the kit's Cloud Run templates in a CommonJS project (see user-paths-template.ts).
import { templateCells } from './user-paths-template';

templateCells('cjs');
