/**
 * The Trata → PowerChord status table the product ships (providers.md), written out independently of the mapping
 * file so that tests check the mapping against it rather than against itself.
 */
export const TRATA_TO_POWERCHORD_STATUS: Readonly<Record<string, string>> = {
  NEW: 'open',
  GENERAL_ENQUIRY: 'contacted',
  SCHEDULED_CALLBACK_WITH_BOT: 'inProgress',
  SCHEDULED_APPOINTMENT_WITH_PERSON: 'inProgress',
  SCHEDULED_APPOINTMENT_FOR_SERVICE: 'inProgress',
  NOT_INTERESTED: 'closedNotInterested',
  PRODUCT_ORDER_PLACED: 'closedWon',
  SERVICE_ORDER_PLACED: 'closedWon',
};
