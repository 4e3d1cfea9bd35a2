// Placeholder: the CLI lands with the engine issue.
import { analyzeText } from '../core/analyze.ts';
void analyzeText;
console.log('gup-review: not yet');
