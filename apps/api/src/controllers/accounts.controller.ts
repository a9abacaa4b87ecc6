import { AccountsService } from '@gennaker/cloud-stages';
import { Controller, Get, Inject } from '@nestjs/common';

/** Cloud accounts (never their credentials). */
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Get()
  list() {
    return this.accounts.list();
  }
}
