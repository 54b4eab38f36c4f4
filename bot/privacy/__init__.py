"""Personal data: finding it (cards, CVV, passports, SNILS, INN, accounts, phones, e-mails,
names, addresses) and replacing it before anything is stored, logged or sent to staff."""
