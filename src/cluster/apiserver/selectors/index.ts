// Label and field selectors for list/watch and for the built-in controllers.
export {
  EVERYTHING,
  LabelSelectorError,
  labelSelectorFromSpec,
  labelSelectorString,
  matchesLabels,
  NOTHING,
  parseLabelSelector,
  type LabelOperator,
  type LabelRequirement,
  type LabelSelector,
  type LabelSelectorSpec,
} from './label-selector.ts';
export {
  DEFAULT_SELECTABLE_FIELDS,
  escapeFieldValue,
  fieldSelectorString,
  FieldSelectorError,
  findUnsupportedField,
  matchesFields,
  parseFieldSelector,
  unescapeFieldValue,
  unsupportedFieldSelectorError,
  type FieldRequirement,
  type FieldSelector,
} from './field-selector.ts';
